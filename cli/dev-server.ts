import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_NAMES } from '../lib/temporal-names';
import { ensureBackground } from './background';

export interface DevServerOptions {
  cliPath: string;
  dbFile: string;
  runDir: string;
  host: string;
  port: number;
  uiPort: number;
  namespace: string;
}

/** Whether a Temporal frontend answers at the address. */
export async function temporalReachable(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: '1s' });
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

/** The arguments of `temporal server start-dev` for cdp: persistent SQLite, UI on, cdp's search attributes. */
export function devServerArgs(o: Omit<DevServerOptions, 'cliPath' | 'runDir'>): string[] {
  return [
    'server', 'start-dev',
    '--db-filename', o.dbFile,
    '--ip', o.host,
    '--port', String(o.port),
    '--ui-port', String(o.uiPort),
    '--namespace', o.namespace,
    '--log-level', 'warn',
    ...SEARCH_ATTRIBUTE_NAMES.flatMap((name) => ['--search-attribute', `${name}=Keyword`]),
  ];
}

/** Starts the Temporal dev server in the background, or reuses the one already answering. */
export async function ensureDevServer(o: DevServerOptions): Promise<{ reused: boolean; address: string; uiUrl: string; logFile: string }> {
  const address = `${o.host}:${o.port}`;
  const { reused, logFile } = await ensureBackground({
    name: 'temporal',
    command: o.cliPath,
    args: devServerArgs(o),
    runDir: o.runDir,
    isReady: () => temporalReachable(address),
    startTimeoutMs: 60_000,
  });
  return { reused, address, uiUrl: `http://${o.host}:${o.uiPort}`, logFile };
}
