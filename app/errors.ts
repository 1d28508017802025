import { CdpError, ERROR_NAMES } from '../lib/errors';

/** A sync of the connection is running already: one at a time per connection. */
export class SyncAlreadyRunningError extends CdpError {
  override readonly name = ERROR_NAMES.syncAlreadyRunning;
}

/** A segment's members were asked for before it was ever materialized. */
export class SegmentNotMaterializedError extends CdpError {
  override readonly name = ERROR_NAMES.segmentNotMaterialized;
  constructor(readonly segment: string) {
    super(`segment "${segment}" has not been materialized yet; run \`cdp segment materialize ${segment}\``);
  }
}

/** No Temporal frontend answers at the address; the message says how to start one. */
export class TemporalUnreachableError extends CdpError {
  override readonly name = ERROR_NAMES.temporalUnreachable;
  constructor(
    readonly address: string,
    detail: string,
  ) {
    super(`Temporal is not reachable at ${address} (${detail}); start it with \`cdp dev\``);
  }
}
