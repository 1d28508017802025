import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/paths';

// The page's sources have their own TypeScript project (the DOM library, Preact's JSX), which the
// project's typecheck does not reach and Vite's build does not check.

describe('web app sources', () => {
  it('type-check under their own strict tsconfig', () => {
    const tsc = path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const run = spawnSync(process.execPath, [tsc, '--noEmit', '-p', path.join(PROJECT_ROOT, 'web')], { encoding: 'utf8' });
    expect(`${run.stdout}${run.stderr}`).toBe('');
    expect(run.status).toBe(0);
  });
});
