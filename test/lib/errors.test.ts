import { describe, expect, it } from 'vitest';
import { SegmentNotMaterializedError, SyncAlreadyRunningError, TemporalUnreachableError } from '../../app/errors';
import { ServiceStartError } from '../../cli/background';
import * as errors from '../../lib/errors';

const origin = { connectionId: 'c', source: 's', stream: 't', url: 'https://api.example.com/v1/x' };
// One of each error class the module exports.
const made: Error[] = [
  new errors.CdpError('m'),
  new errors.ConfigError('m'),
  new errors.CredentialMissingError('c', 'ENV'),
  new errors.SourceAuthError('c', origin.url, 401, 'd'),
  new errors.SourceUnavailableError('c', origin.url, 503, 'd'),
  new errors.SourceRequestError('c', origin.url, 400, 'd'),
  new errors.SourceAnswerError('has no records', 'fix it', origin),
  new errors.SourceSpecError('s', 't', 'p', 'f'),
  new errors.StreamPositionError('m'),
  new errors.EnvironmentMismatchError('m'),
  new errors.LakeMismatchError('m'),
  new errors.ReportFailedError('m'),
  new errors.ModelTestFailedError('m'),
  new errors.TemporalCliUnavailableError('m'),
  new errors.DependencyError('m'),
  new errors.DataFolderError('/data/raw', 'ENOSPC', 'f'),
];
// The application layer's and the CLI's own errors, named in the same list.
const madeElsewhere: Error[] = [new SyncAlreadyRunningError('m'), new SegmentNotMaterializedError('s'), new TemporalUnreachableError('a', 'd'), new ServiceStartError('m')];

describe('the error names', () => {
  it('are the names of the error classes, one each', () => {
    const classes = Object.values(errors).filter((v) => typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof Error);
    expect(made.map((e) => e.constructor).sort((a, b) => a.name.localeCompare(b.name))).toEqual(classes.sort((a, b) => (a as { name: string }).name.localeCompare((b as { name: string }).name)));
    expect([...made, ...madeElsewhere].map((e) => e.name).sort()).toEqual(Object.values(errors.ERROR_NAMES).sort());
  });

  it('leave to Temporal retries only the errors a later attempt may get past', () => {
    const retryable = Object.values(errors.ERROR_NAMES).filter((name) => !errors.NON_RETRYABLE_ERROR_NAMES.includes(name));
    expect(retryable.sort()).toEqual([errors.ERROR_NAMES.cdp, errors.ERROR_NAMES.sourceUnavailable].sort());
  });
});
