// Before the tests: the HTML report's browser test drives Debian's Chromium (a browser download of
// Playwright's own cannot run here). Installs it with apt-get when it is missing and we are root.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
if (!fs.existsSync(CHROMIUM)) {
  if (process.getuid?.() !== 0) {
    console.error(`the browser test needs Debian's chromium at ${CHROMIUM}: run \`sudo apt-get install -y chromium\``);
    process.exit(1);
  }
  console.error(`installing Debian's chromium for the browser test (${CHROMIUM})`);
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
    const run = spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
}
