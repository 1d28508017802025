import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../cli/exit-code';
import { ConfigError, SourceAuthError } from '../../lib/errors';
import { PROJECT_ROOT } from '../../lib/paths';
import { makeWorkspace } from '../support/workspace';

// `cdp` exits 2 for an error it expects (one line saying what to fix) and 1 for a bug (the stack),
// so scripts and CI can tell a mistake in their input from a fault in cdp.

const ws = makeWorkspace([{ id: 'shop', source: 'stripe', environment: 'sandbox', base_url: 'http://127.0.0.1:1', credential_env: 'CDP_EXIT_TEST_KEY' }]);
afterAll(() => ws.cleanup());

function cdp(args: string[], configFile = ws.configFile): { status: number | null; stderr: string; stdout: string } {
  const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'cdp.js'), '--config', configFile, ...args], { encoding: 'utf8' });
  return { status: run.status, stderr: run.stderr, stdout: run.stdout };
}

/** A workflow failure as the client throws it: the activity's error, as an ApplicationFailure of its type, inside an ActivityFailure. */
function workflowFailure(cause: Error): WorkflowFailedError {
  const activity = new ActivityFailure('activity failed', 'syncStreamBatch', '1', RetryState.NON_RETRYABLE_FAILURE, 'worker@host', cause);
  return new WorkflowFailedError('Workflow execution failed', activity, RetryState.NON_RETRYABLE_FAILURE);
}

describe('cdp exit codes', () => {
  it('serving on a port another process holds exits 2 with a line naming the port', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const run = cdp(['serve', '--port', String(port)]);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`port ${port} on 127.0.0.1 is in use`);
      expect(run.stderr).not.toContain('    at ');
    } finally {
      holder.close();
    }
  });

  it('help exits 0', () => {
    expect(cdp(['--help']).status).toBe(0);
    expect(cdp(['sync', '--help']).status).toBe(0);
  });

  it('a bad flag value exits 2 with a line naming the flag', () => {
    const run = cdp(['query', 'select 1', '--format', 'nope']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('cdp query: --format');
  });

  it('cdp worker with a --queues value other than sync, build or both exits 2 naming the flag and the values', () => {
    const run = cdp(['worker', '--queues', 'builds']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('cdp worker: --queues');
    expect(run.stderr).toContain('"sync"|"build"|"both"');
    expect(run.stderr).not.toContain('    at ');
  });

  it("commander's own usage errors exit 2: an unknown option, a missing argument", () => {
    const unknown = cdp(['query', 'select 1', '--bogus']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--bogus'");
    const missing = cdp(['sync']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'connection'");
  });

  it('a config file that is not YAML, or not a valid config, exits 2', () => {
    const notYaml = path.join(ws.dir, 'not-yaml.yaml');
    fs.writeFileSync(notYaml, 'connections: [\n');
    const run = cdp(['status'], notYaml);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('not valid YAML');

    const invalid = path.join(ws.dir, 'invalid.yaml');
    fs.writeFileSync(invalid, 'connections: 5\n');
    const bad = cdp(['status'], invalid);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('connections');
  });

  it('an unknown connection exits 2, naming the known ones', () => {
    const run = cdp(['sync', 'nosuch']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('no connection "nosuch" (known: shop)');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a warehouse file that is not a DuckDB database is an internal failure: exit 1 with the error', () => {
    const warehouse = ws.config().layout.warehouse;
    fs.mkdirSync(path.dirname(warehouse), { recursive: true });
    fs.writeFileSync(warehouse, Buffer.alloc(16_384, 7));
    const run = cdp(['query', 'select 1']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('not a valid DuckDB database file');
    fs.rmSync(warehouse);
  });
});

describe('exitCodeOf', () => {
  it("is 2 for cdp's own errors", () => {
    expect(exitCodeOf(new ConfigError('bad flag'))).toBe(2);
    expect(exitCodeOf(new SourceAuthError('shop', 'http://x', 401, 'no'))).toBe(2);
  });

  it('is 2 for a failed workflow whose activity failed with a cdp error type, such as a rejected credential', () => {
    expect(exitCodeOf(workflowFailure(ApplicationFailure.create({ message: 'credentials for shop were rejected', type: 'SourceAuthError', nonRetryable: true })))).toBe(2);
    expect(exitCodeOf(workflowFailure(ApplicationFailure.create({ message: 'HTTP 503', type: 'SourceUnavailableError' })))).toBe(2);
  });

  it('is 1 for a failed workflow whose activity failed with anything else, and for a plain error', () => {
    expect(exitCodeOf(workflowFailure(ApplicationFailure.create({ message: 'x is undefined', type: 'TypeError' })))).toBe(1);
    expect(exitCodeOf(workflowFailure(new Error('boom')))).toBe(1);
    expect(exitCodeOf(new Error('boom'))).toBe(1);
    expect(exitCodeOf('thrown text')).toBe(1);
  });
});
