export { parseFlatQuery, type FlatQuery } from './querystring.js';
export { TokenBucketLimiter } from './token-bucket.js';
export { FaultInjector, DEFAULT_FAULTS, type ErrorFaultSettings } from './fault-injector.js';
export { FixedWindowLimiter } from './fixed-window-limiter.js';
export { ServiceFaults, serviceFaultPatchSchema, type ServiceFaultSettings } from './service-faults.js';
export { FaultGate, gateFaultsShape, type GateFaults } from './fault-gate.js';
export { installMalformedRecords } from './malformed-records.js';
export { RateLimitWatch, EARLY_RETRY_TOLERANCE_MS, type RateLimitStats } from './rate-limit-watch.js';
export { numericIdSchema, firstProblem, nowToTheSecondMs } from './mutation-input.js';
