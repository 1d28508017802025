import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/paths';

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** `cdp worker` in its own OS process, so a test can kill -9 it like a crashed machine. */
export function spawnWorker(opts: { configFile: string; address: string; env: NodeJS.ProcessEnv; logFile: string; args?: string[]; cwd?: string }): ChildProcess {
  const log = fs.openSync(opts.logFile, 'a');
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'cdp.js'), '--config', opts.configFile, 'worker', '--address', opts.address, ...(opts.args ?? [])], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', log, log],
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  });
  fs.closeSync(log);
  return child;
}

/** Kills a process without letting it clean up, and waits until it is gone. */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** Polls until the check passes or the time is up. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
