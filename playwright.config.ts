/**
 * The browser journeys (tests/web): Playwright driving Debian's Chromium (never a downloaded browser),
 * headless, against the built web app served by Vite's preview server (tests/web/global-setup.ts)
 * and pointed at the stack in SUPABASE_URL. `npm test` runs them after vitest; screenshots land in
 * test-results/web (git-ignored).
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'tests/web',
  testMatch: '*.spec.ts',
  outputDir: 'test-results/web',
  globalSetup: './tests/web/global-setup.ts',
  // The machine is small and the journeys share seeded users: one at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/web/report.json' }]],
  use: {
    browserName: 'chromium',
    headless: true,
    locale: 'en-US',
    // The app honours reduced motion: dialogs open without a fade, so axe never judges a half-faded one.
    contextOptions: { reducedMotion: 'reduce' },
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] },
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
