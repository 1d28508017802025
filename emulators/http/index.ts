export { parseFlatQuery, type FlatQuery } from './querystring.js';
export { TokenBucketLimiter } from './token-bucket.js';
export { FaultInjector, DEFAULT_FAULTS, type ErrorFaultSettings } from './fault-injector.js';
