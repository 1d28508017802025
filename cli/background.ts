import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CdpError, ERROR_NAMES } from '../lib/errors';

export interface BackgroundService {
  /** Name of the pid and log files under the run folder. */
  name: string;
  command: string;
  args: string[];
  runDir: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Whether the service answers; used to reuse a running one and to wait for a new one. A service
   * that only says so in its log (a worker) gives `readyLogLine` instead: ready is alive with that
   * line in the log it wrote since it started.
   */
  isReady?: () => Promise<boolean>;
  readyLogLine?: string;
  startTimeoutMs?: number;
}

export class ServiceStartError extends CdpError {
  override readonly name = ERROR_NAMES.serviceStart;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function logSince(file: string, offset: number): string {
  try {
    return fs.readFileSync(file).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

function runningPid(runDir: string, name: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(runDir, `${name}.pid`), 'utf8'));
    return processAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts a long-lived service detached from this process (it outlives the command), logging to
 * `<runDir>/<name>.log`; reuses it when it already answers. Returns whether it was reused.
 */
export async function ensureBackground(service: BackgroundService): Promise<{ reused: boolean; logFile: string }> {
  const logFile = path.join(service.runDir, `${service.name}.log`);
  const line = service.readyLogLine;
  const answers = async (offset: number) => (line === undefined ? (await service.isReady?.()) === true : runningPid(service.runDir, service.name) !== undefined && logSince(logFile, offset).includes(line));
  if (await answers(0)) return { reused: true, logFile };
  fs.mkdirSync(service.runDir, { recursive: true });
  const startedAt = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
  const out = fs.openSync(logFile, 'a');
  const child = spawn(service.command, service.args, { detached: true, stdio: ['ignore', out, out], env: service.env ?? process.env });
  fs.closeSync(out);
  child.unref();
  fs.writeFileSync(path.join(service.runDir, `${service.name}.pid`), `${child.pid}\n`);

  const deadline = Date.now() + (service.startTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.pid === undefined || !processAlive(child.pid)) {
      throw new ServiceStartError(`${service.name} exited while starting; its log (${logFile}) ends with:\n${tail(logFile)}`);
    }
    if (await answers(startedAt)) return { reused: false, logFile };
    await sleep(250);
  }
  throw new ServiceStartError(`${service.name} did not answer within ${(service.startTimeoutMs ?? 60_000) / 1000} s; see ${logFile}`);
}

/** Stops a service started by ensureBackground; returns false when none was running. */
export async function stopBackground(runDir: string, name: string): Promise<boolean> {
  const pidFile = path.join(runDir, `${name}.pid`);
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  } catch {
    return false;
  }
  fs.rmSync(pidFile, { force: true });
  if (!pid || !processAlive(pid)) return false;
  // The service leads its own process group (detached), so its children stop with it.
  process.kill(-pid, 'SIGTERM');
  for (let i = 0; i < 40 && processAlive(pid); i++) await sleep(250);
  if (processAlive(pid)) process.kill(-pid, 'SIGKILL');
  return true;
}
