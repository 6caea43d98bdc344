import { defineConfig } from 'vitest/config';

/** Tests that kill stack services: one file at a time, after the other suites. */
export default defineConfig({
  test: {
    include: ['tests/disruptive/**/*.test.ts'],
    setupFiles: ['tests/helpers/setup.ts'],
    testTimeout: 60_000,
    fileParallelism: false,
  },
});
