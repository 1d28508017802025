import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start a real Temporal dev server and bundle workflows.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
