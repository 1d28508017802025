import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start a real Temporal dev server and bundle workflows.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Three files at once on two cores: most of a file's time is spent waiting on servers (the
    // suite keeps about one core busy at two). The one file that counts how soon each client
    // retries after a 429 runs alone afterwards (package.json's test script), since another
    // file's load delays requests it would count as early.
    maxWorkers: 3,
  },
});
