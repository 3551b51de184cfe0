import { defineConfig } from 'vitest/config';

// End-to-end tests: the built extension (npm run build) in Chromium and Firefox ESR. One browser at a time: the
// machine has 2 shared cores.
export default defineConfig({
  test: {
    root: import.meta.dirname + '/../..',
    include: ['tests/e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
