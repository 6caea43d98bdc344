/**
 * What every journey shares: a page that fails the test on any console error or uncaught exception,
 * `snap` (a full-page screenshot in the test's output folder), `checkA11y` (axe-core: no serious or
 * critical violation) and signing in through the UI.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test as base, type Locator, type Page, type TestInfo } from '@playwright/test';

export const PASSWORD = 'demo-password-1';

export const test = base.extend<{ consoleErrors: string[] }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's needs from this pattern; it needs none.
  baseURL: async ({}, use) => use(process.env.WEB_URL),
  // Automatic: every journey fails on a console error or an uncaught exception in the page.
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
      await use(errors);
      expect(errors, 'console errors').toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

let shot = 0;
export async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  shot += 1;
  await page.screenshot({ path: testInfo.outputPath(`${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
}

/** axe-core on the page as it is now: no serious or critical violation. */
export async function checkA11y(page: Page, testInfo: TestInfo, label: string): Promise<void> {
  // Check the page at rest: a dialog fading in or out is half transparent, and axe would judge its
  // colours. Mantine sets a dialog's starting opacity a frame before its transition runs, so wait
  // for every dialog to be fully opaque as well as for running animations to end.
  await page.waitForFunction(() => {
    const opaque = (element: Element | null): boolean => !element || (Number(getComputedStyle(element).opacity) >= 1 && opaque(element.parentElement));
    return (
      document.getAnimations().every((a) => a.playState !== 'running') &&
      [...document.querySelectorAll('[role="dialog"]')].every((dialog) => dialog.getClientRects().length === 0 || opaque(dialog))
    );
  });
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  await testInfo.attach(`axe-${label}.json`, { body: JSON.stringify(bad, null, 2), contentType: 'application/json' });
  expect(
    bad.map(
      (v) =>
        `${v.id}: ${v.help} (${v.nodes
          .slice(0, 3)
          .map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`)
          .join('; ')})`,
    ),
    `axe on ${label}`,
  ).toEqual([]);
}

export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Wallet' })).toBeVisible();
}

/** The page as it is now, at a phone's width (390 px): nothing wider than the screen (tables scroll in their own region). */
export async function checkPhoneWidth(page: Page, testInfo: TestInfo, label: string): Promise<void> {
  const before = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), { message: `${label} fits 390 px` }).toBeLessThanOrEqual(390);
  await checkA11y(page, testInfo, `${label}-390px`);
  await snap(page, testInfo, `${label}-390px`);
  if (before) await page.setViewportSize(before);
}

/**
 * Two presses of a button in one go, before the page can re-render: unlike a mouse double click, the
 * second press arrives while the button still looks enabled, so only the action's own guard (one
 * intent, one idempotency key: `useAction`) stands between it and a second charge.
 */
export async function pressTwice(button: Locator): Promise<void> {
  await button.evaluate((element: HTMLElement) => {
    element.click();
    element.click();
  });
}
