/**
 * The client's journey, at a phone's width (390 px), through the UI only: wallet and ledger, buying
 * points at the (fake) checkout with a double click that pays once, using a tool at the price shown
 * (two presses before the page re-renders: charged once), rating it, asking a refund (a too-short reason shows the field's
 * error), vouchers (mine, redeem, buy, history), devices (signing another one out), the profile with a
 * picture, a support ticket. Every page passes axe and logs no console error.
 */
import { checkA11y, expect, pressTwice, signIn, snap, test } from './fixtures.ts';

const EMAIL = 'client@example.test';

async function balanceOf(page: import('@playwright/test').Page): Promise<number> {
  const text = await page.getByTestId('balance').textContent();
  return Number(/(-?\d+) points/.exec(text ?? '')?.[1] ?? NaN);
}

test.use({ viewport: { width: 390, height: 844 } });

test('client: wallet, points, a tool, rating, refund, vouchers, devices, profile, support', async ({ page, browser }, testInfo) => {
  await signIn(page, EMAIL);
  await expect(page.getByTestId('balance')).toHaveText(/\d+ points/);
  await expect(page.getByRole('table', { name: 'Wallet history' })).toBeVisible();
  await checkA11y(page, testInfo, 'wallet');
  await snap(page, testInfo, 'wallet');
  const start = await balanceOf(page);

  // The navigation opens from the burger at this width.
  await page.getByRole('button', { name: 'Toggle navigation' }).click();
  await expect(page.getByRole('link', { name: 'Vouchers' })).toBeVisible();
  await page.getByRole('button', { name: 'Toggle navigation' }).click();

  // Buy points: a double click makes one payment.
  await page.goto('/wallet/buy');
  // The seeded Starter package (other suites add packages of their own to the catalogue).
  const card = page.locator('.mantine-Card-root').filter({ has: page.getByText('Starter', { exact: true }) });
  const pay = card.getByRole('button', { name: /^Pay / });
  await expect(pay).toBeVisible();
  const bought = Number(/^(\d+) points$/.exec((await card.getByText(/^\d+ points$/).textContent()) ?? '')?.[1]);
  expect(bought).toBe(100);
  await pay.dblclick();
  await expect(page.getByRole('status').filter({ hasText: 'payment completed' })).toBeVisible();
  await checkA11y(page, testInfo, 'buy-points');
  await snap(page, testInfo, 'buy-points');
  await page.goto('/wallet');
  await expect.poll(() => balanceOf(page)).toBe(start + bought);

  // Use a tool at the price shown, pressed twice before the page re-renders: charged once.
  await page.goto('/tools');
  await checkA11y(page, testInfo, 'tools');
  await page.getByRole('article').first().getByRole('link').click();
  const price = Number(/(\d+) points/.exec((await page.getByTestId('price').textContent()) ?? '')?.[1]);
  await pressTwice(page.getByRole('button', { name: `Use for ${price} points` }));
  await expect(page.getByRole('status')).toContainText(`Charged ${price} points`);
  await checkA11y(page, testInfo, 'tool');
  await snap(page, testInfo, 'tool-used');
  await page.goto('/wallet');
  await expect.poll(() => balanceOf(page)).toBe(start + bought - price);

  // Rate the use, then ask a refund; a too-short reason shows its field error.
  await page.goto('/usages');
  const row = page.getByRole('table', { name: 'My tool uses' }).getByRole('row').nth(1);
  await row.getByRole('button', { name: 'Rate' }).click();
  await page.getByLabel('Review').fill('Did the job.');
  await page.getByRole('button', { name: 'Send the rating' }).click();
  await expect(page.getByRole('status')).toHaveText('Thanks for your rating.');
  await row.getByRole('button', { name: 'Refund' }).click();
  await page.getByLabel('Why do you want a refund?').fill('x');
  await page.getByRole('button', { name: /Ask for a refund/ }).click();
  await expect(page.getByText('Say why, in at least 3 characters')).toBeVisible();
  await checkA11y(page, testInfo, 'refund-dialog');
  await snap(page, testInfo, 'refund-field-error');
  await page.getByLabel('Why do you want a refund?').fill('It did not work for me.');
  await page.getByRole('button', { name: /Ask for a refund/ }).click();
  await expect(page.getByRole('status')).toHaveText('Refund requested: an admin will decide.');
  await expect(page.getByRole('table', { name: 'My refund requests' }).getByText('requested').first()).toBeVisible();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await checkA11y(page, testInfo, 'usages');

  // Vouchers: mine, redeem (idempotent), buy, history.
  await page.goto('/vouchers');
  await expect(page.getByText('DEM0-C0DE-0000-0001')).toBeVisible();
  await checkA11y(page, testInfo, 'vouchers');
  await page.getByRole('tab', { name: 'Redeem' }).click();
  await page.getByLabel('Voucher code').fill('DEM0-C0DE-0000-0001');
  await page.getByRole('textbox', { name: 'Service' }).click();
  await page.getByRole('option', { name: 'Exam results', exact: true }).click();
  await page.getByRole('button', { name: 'Redeem' }).dblclick();
  await expect(page.getByRole('status')).toHaveText('Voucher DEM0-C0DE-0000-0001 redeemed.');
  await page.getByRole('tab', { name: 'Buy' }).click();
  await page
    .getByRole('button', { name: /^Buy for / })
    .first()
    .dblclick();
  await expect(page.getByRole('status')).toContainText('payment completed');
  await page.getByRole('tab', { name: 'History' }).click();
  await expect(page.getByRole('table', { name: 'Voucher history' }).getByText('DEM0-C0DE-0000-0001')).toHaveCount(1);
  await checkA11y(page, testInfo, 'voucher-history');
  await snap(page, testInfo, 'vouchers');

  // Plans: the user plans on sale with their monthly points, and no plan of mine yet.
  await page.goto('/plans');
  const plans = page.getByRole('table', { name: 'User plans' });
  await expect(plans.getByRole('row', { name: /Starter/ })).toBeVisible();
  await expect(plans.getByRole('row', { name: /Plus/ })).toBeVisible();
  await expect(page.getByText('You have no plan')).toBeVisible();
  await checkA11y(page, testInfo, 'plans');
  await snap(page, testInfo, 'plans');

  // Devices: sign in from another browser, then sign that one out from here.
  const other = await browser.newContext({ baseURL: process.env.WEB_URL, userAgent: 'JourneyPhone/1.0 (second device)' });
  const otherPage = await other.newPage();
  await signIn(otherPage, EMAIL);
  await other.close();
  await page.goto('/devices');
  const otherRow = page.getByRole('row').filter({ hasText: 'JourneyPhone/1.0' }).first();
  await otherRow.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('status')).toContainText('session(s) ended');
  await checkA11y(page, testInfo, 'devices');
  await snap(page, testInfo, 'devices');

  // Profile: a bad username shows its field error; a picture uploads.
  await page.goto('/profile');
  await expect(page.getByLabel('First name')).not.toHaveValue('');
  await page.getByLabel('Username').fill('no spaces allowed');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('[id$="-error"]').first()).toBeVisible();
  await page.getByLabel('Username').fill('');
  await page.getByLabel('First name').fill('Clara');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Profile saved.');
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
  await page.locator('input[type="file"]').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png });
  await expect(page.getByRole('status')).toHaveText('Picture saved.');
  await checkA11y(page, testInfo, 'profile');
  await snap(page, testInfo, 'profile');

  // Support: open a ticket, see it listed, read its thread.
  await page.goto('/support');
  await page.getByLabel('Subject').fill('Where is my receipt?');
  await page.getByLabel('Message').fill('I bought points today and would like a receipt.');
  await page.getByRole('button', { name: 'Open the ticket' }).click();
  await page.getByRole('button', { name: 'Where is my receipt?' }).first().click();
  await expect(page.getByRole('dialog').getByText('I bought points today')).toBeVisible();
  await checkA11y(page, testInfo, 'support');
  await snap(page, testInfo, 'support');
});
