import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start a real Temporal dev server and bundle workflows.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Most of a test file's time is spent waiting on servers (Temporal, emulators, rate limits), so two
    // files at once keep a two-core machine busy; vitest's default is one file per core less one.
    maxWorkers: 2,
  },
});
