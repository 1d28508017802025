import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Runs a benchmark in a working folder: a fresh temp folder, or the one `--reuse` names. Prints the
 * machine first and the problems the run reports last, keeps the folder for `--reuse`/`--keep`, and
 * exits 1 when a check failed.
 */
export async function inBenchDir(prefix: string, opts: { reuse?: string; keep?: boolean }, run: (dir: string) => Promise<string[]>): Promise<void> {
  console.log(`machine: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB; node ${process.version}`);
  const dir = opts.reuse ? path.resolve(opts.reuse) : fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  let problems: string[] = [];
  try {
    problems = await run(dir);
    for (const p of problems) console.error(p);
  } finally {
    if (opts.reuse || opts.keep) console.log(`kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
  if (problems.length > 0) process.exit(1);
}
