/**
 * The business journey through the UI: the owner of Acme Coaching works the CRM (200 seeded clients,
 * 50 a page, filters; a client added after a bad e-mail shows its field error; a package created and
 * given to the client; a payment recorded; statistics charts), sets a member's permission and adds a
 * batch of members (one row invalid). Then the coach, a member who sees only their own clients.
 */
import { checkA11y, expect, signIn, snap, test } from './fixtures.ts';

test('business owner, admin and member: CRM, members, batches', async ({ page }, testInfo) => {
  await signIn(page, 'owner@acme.example.test');
  await page.goto('/business/clients');
  const clients = page.getByRole('table', { name: 'Clients' });
  await expect(clients.getByRole('row')).toHaveCount(51);
  await expect(page.getByText(/^\d+ in all$/).first()).toBeVisible();
  const ownerTotal = Number(
    (await page
      .getByText(/^\d+ in all$/)
      .first()
      .textContent())!.split(' ')[0],
  );
  expect(ownerTotal).toBeGreaterThanOrEqual(200);
  await page.getByRole('button', { name: 'Page 2' }).click();
  await expect(clients.getByRole('row')).toHaveCount(51);
  await checkA11y(page, testInfo, 'crm-clients');
  await snap(page, testInfo, 'clients');

  await page.getByRole('textbox', { name: 'Status filter' }).click();
  await page.getByRole('option', { name: 'paused' }).click();
  await expect(clients.getByRole('row').nth(1)).toContainText('paused');
  await page.getByRole('textbox', { name: 'Status filter' }).click();
  await page.getByRole('option', { name: 'onboarding' }).click();

  const last = `Journey${Date.now().toString(36)}`;
  await page.getByLabel(/^First name/).fill('Ana');
  await page.getByLabel('Last name').fill(last);
  await page.getByLabel('Client e-mail').fill('not-an-email');
  await page.getByRole('button', { name: 'Add the client' }).click();
  await expect(page.locator('[id$="-error"]').first()).toBeVisible();
  await snap(page, testInfo, 'client-field-error');
  await page.getByLabel('Client e-mail').fill(`ana.${last.toLowerCase()}@example.test`);
  await page.getByRole('button', { name: 'Add the client' }).click();
  await expect(page.getByRole('status')).toHaveText(`Client Ana ${last} added.`);
  await page.getByLabel('Search clients').fill(last);
  await expect(clients.getByRole('row')).toHaveCount(2);

  await page.getByRole('tab', { name: 'Packages' }).click();
  const packageName = `Journey package ${last}`;
  await page.getByLabel(/^Package name/).fill(packageName);
  await page.getByLabel(/^Price/).fill('120.50');
  await page.getByRole('button', { name: 'Create the package' }).click();
  await expect(page.getByRole('status')).toHaveText(`Package ${packageName} created.`);
  await page.getByRole('textbox', { name: 'Client' }).fill(last);
  await page.getByRole('option', { name: `Ana ${last}` }).click();
  await page.getByRole('textbox', { name: 'Package', exact: true }).click();
  await page.getByRole('option', { name: packageName }).click();
  await page.getByRole('button', { name: 'Give the package' }).click();
  await expect(page.getByRole('status')).toHaveText('Package given to the client.');
  await checkA11y(page, testInfo, 'crm-packages');

  await page.getByRole('tab', { name: 'Payments' }).click();
  await page.getByRole('textbox', { name: 'Paying client' }).fill(last);
  await page.getByRole('option', { name: `Ana ${last}` }).click();
  await page.getByLabel(/^Amount/).fill('60.25');
  await page.getByRole('button', { name: 'Record the payment' }).click();
  await expect(page.getByRole('status')).toHaveText('Payment of $60.25 recorded.');
  await expect(page.getByRole('table', { name: 'Instalments' })).toBeVisible();
  await checkA11y(page, testInfo, 'crm-payments');
  await snap(page, testInfo, 'payments');

  await page.getByRole('tab', { name: 'Statistics' }).click();
  await expect(page.getByRole('img', { name: /Donut chart of clients by status/ })).toBeVisible();
  await expect(page.getByRole('img', { name: /Bar chart of payment totals/ })).toBeVisible();
  await checkA11y(page, testInfo, 'crm-statistics');
  await snap(page, testInfo, 'statistics');

  await page.getByRole('tab', { name: 'Members and batches' }).click();
  const permission = page.getByRole('checkbox', { name: /^view payments for / }).first();
  const was = await permission.isChecked();
  await permission.click();
  await expect(permission).toBeChecked({ checked: !was });
  await page.getByLabel(/^Batch name/).fill(`Spring ${last}`);
  await page.getByLabel('One member per line: e-mail, full name').fill(`b1.${last.toLowerCase()}@example.test, Bea One\nnot-an-email, Broken Row`);
  await page.getByRole('button', { name: 'Create the batch' }).dblclick();
  await expect(page.getByRole('status')).toHaveText(`Batch Spring ${last}: 1 created, 0 already members, 1 invalid, 0 failed.`);
  await expect(page.getByRole('table', { name: 'Batches' }).getByText(`Spring ${last}`)).toHaveCount(1);
  await checkA11y(page, testInfo, 'members');
  await snap(page, testInfo, 'members');

  // The coach: a member who sees only the clients assigned to them.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, 'coach@acme.example.test');
  await page.goto('/business/clients');
  await expect(page.getByRole('table', { name: 'Clients' })).toBeVisible();
  const coachTotal = Number(
    (await page
      .getByText(/^\d+ in all$/)
      .first()
      .textContent())!.split(' ')[0],
  );
  expect(coachTotal).toBeLessThan(ownerTotal);
  await snap(page, testInfo, 'coach-clients');
});
