export { generateWorld, restyleEmail, DEFAULT_ANCHOR, PEOPLE_PER_SCALE, type WorldOptions } from './generate-world.js';
export { findPrice } from './catalog.js';
export { billingAnchorMs, cycleStartMs, cycleStartsBefore, periodEndAfterMs } from './billing-cycles.js';
export { Rng, deriveSeed, hash32 } from './prng.js';
export { addMonthsMs, isoAt, DAY_MS } from './time.js';
export type * from './types.js';
