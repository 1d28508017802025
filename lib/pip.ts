import { execFileSync, spawnSync } from 'node:child_process';

/** The command that runs pip here (`python3 -m pip` first), or undefined when there is none. */
export function findPip(): string[] | undefined {
  for (const candidate of [['python3', '-m', 'pip'], ['python', '-m', 'pip'], ['pip3'], ['pip']]) {
    const [cmd, ...args] = candidate as [string, ...string[]];
    const probe = spawnSync(cmd, [...args, '--version'], { stdio: 'ignore' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

/** Installs pinned PyPI packages into `target` (no dependencies unless asked); throws pip's own words. */
export function pipInstallInto(pip: string[], target: string, packages: string[], opts: { deps?: boolean } = {}): void {
  const [cmd, ...args] = pip as [string, ...string[]];
  execFileSync(
    cmd,
    [...args, 'install', '--quiet', '--disable-pip-version-check', '--no-warn-script-location', '--upgrade', ...(opts.deps === false ? ['--no-deps'] : []), '--target', target, ...packages],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}
