import { defineConfig } from 'vitest/config';

/** Everything but `tests/disruptive`, which kills services and runs alone (vitest.disruptive.config.ts). */
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/disruptive/**', 'node_modules/**'],
    setupFiles: ['tests/helpers/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The stack is shared; two workers match the machine's two cores.
    maxWorkers: 2,
  },
});
