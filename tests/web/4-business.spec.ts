/**
 * The business journey through the UI: the owner of Acme Coaching works the CRM (200 seeded clients,
 * 50 a page, filters; a client added after a bad e-mail shows its field error, then edited in place; a
 * package created, edited and given to the client; the client package edited; a payment recorded and
 * edited (a zero amount shows its field error); an instalment scheduled and edited; then each of them
 * deleted after confirming; statistics charts), sets a member's permission and adds a batch of members
 * (one row invalid). Then the coach, a member who sees only their own clients.
 */
import { checkA11y, checkPhoneWidth, expect, signIn, snap, test } from './fixtures.ts';

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
  await page.getByLabel('Clear the status filter').click();

  // Edit the client in place: a bad e-mail shows its field error in the dialog, then the row changes.
  await page.getByRole('button', { name: `Edit Ana ${last}` }).click();
  const editClient = page.getByRole('dialog', { name: `Edit Ana ${last}` });
  await editClient.getByLabel('E-mail').fill('still-not-an-email');
  await editClient.getByRole('button', { name: 'Save the client' }).click();
  await expect(editClient.getByText('Enter a valid e-mail address')).toBeVisible();
  await checkA11y(page, testInfo, 'crm-client-edit');
  await snap(page, testInfo, 'client-edit-field-error');
  await editClient.getByLabel('E-mail').fill(`ana.new.${last.toLowerCase()}@example.test`);
  await editClient.getByRole('textbox', { name: 'Status' }).click();
  await page.getByRole('option', { name: 'active', exact: true }).click();
  await editClient.getByRole('button', { name: 'Save the client' }).click();
  await expect(page.getByRole('status')).toHaveText(`Client Ana ${last} saved.`);
  await expect(page.getByRole('dialog')).toHaveCount(0);
  const clientRow = clients.getByRole('row').filter({ hasText: last });
  await expect(clientRow).toContainText(`ana.new.${last.toLowerCase()}@example.test`);
  await expect(clientRow).toContainText('active');

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

  // Edit the package's price and the client's package in place.
  await page.getByRole('button', { name: `Edit package ${packageName}` }).click();
  await page
    .getByRole('dialog', { name: `Edit package ${packageName}` })
    .getByLabel(/^Price/)
    .fill('99.99');
  await page.getByRole('button', { name: 'Save the package' }).click();
  await expect(page.getByRole('status')).toHaveText(`Package ${packageName} saved.`);
  const packageRow = page.getByRole('table', { name: 'Packages', exact: true }).getByRole('row').filter({ hasText: packageName });
  await expect(packageRow).toContainText('$99.99');
  const held = `${packageName} of Ana ${last}`;
  await page.getByRole('button', { name: `Edit ${held}` }).click();
  const editHeld = page.getByRole('dialog', { name: `Edit ${held}` });
  await editHeld.getByLabel(/^Custom price/).fill('30');
  await editHeld.getByRole('textbox', { name: 'Payment schedule' }).click();
  await page.getByRole('option', { name: 'Monthly' }).click();
  await editHeld.getByRole('button', { name: 'Save the client package' }).click();
  await expect(page.getByRole('status')).toHaveText('Client package saved.');
  const heldRow = page
    .getByRole('table', { name: 'Client packages' })
    .getByRole('row')
    .filter({ hasText: `Ana ${last}` });
  await expect(heldRow).toContainText('Monthly');
  await expect(heldRow).toContainText('$30.00');
  await snap(page, testInfo, 'packages-edited');
  await checkPhoneWidth(page, testInfo, 'crm-packages');

  await page.getByRole('tab', { name: 'Payments' }).click();
  await page.getByRole('textbox', { name: 'Paying client' }).fill(last);
  await page.getByRole('option', { name: `Ana ${last}` }).click();
  await page.getByLabel(/^Amount/).fill('60.25');
  await page.getByRole('button', { name: 'Record the payment' }).click();
  await expect(page.getByRole('status')).toHaveText('Payment of $60.25 recorded.');
  await expect(page.getByRole('table', { name: 'Instalments' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Client owing it' }).fill(last);
  await page.getByRole('option', { name: `Ana ${last}` }).click();
  await page.getByLabel(/^Instalment amount/).fill('25');
  await page.getByRole('button', { name: 'Schedule the instalment' }).click();
  await expect(page.getByRole('status')).toContainText('Instalment 1 of $25.00 scheduled');
  // Only this client's payments and instalments.
  await page.getByRole('textbox', { name: 'Show the payments and instalments of' }).fill(last);
  await page.getByRole('option', { name: `Ana ${last}` }).click();
  const paymentRows = page.getByRole('table', { name: 'Payments', exact: true }).getByRole('row');
  const instalmentRows = page.getByRole('table', { name: 'Instalments' }).getByRole('row');
  await expect(paymentRows).toHaveCount(2);
  await expect(instalmentRows).toHaveCount(2);
  await checkA11y(page, testInfo, 'crm-payments');
  await snap(page, testInfo, 'payments');
  await checkPhoneWidth(page, testInfo, 'crm-payments');

  // Edit the payment: a zero amount shows its field error; then the row shows the new amount.
  await paymentRows
    .nth(1)
    .getByRole('button', { name: /^Edit payment of \$60\.25/ })
    .click();
  const editPayment = page.getByRole('dialog', { name: /^Edit payment of/ });
  await editPayment.getByLabel(/^Amount/).fill('0');
  await editPayment.getByRole('button', { name: 'Save the payment' }).click();
  await expect(editPayment.getByText('Must be more than 0')).toBeVisible();
  await checkA11y(page, testInfo, 'crm-payment-edit');
  await editPayment.getByLabel(/^Amount/).fill('75');
  await editPayment.getByRole('button', { name: 'Save the payment' }).click();
  await expect(page.getByRole('status')).toHaveText('Payment of $75.00 saved.');
  await expect(paymentRows.nth(1)).toContainText('$75.00');
  await instalmentRows
    .nth(1)
    .getByRole('button', { name: /^Edit instalment 1/ })
    .click();
  const editInstalment = page.getByRole('dialog', { name: /^Edit instalment 1/ });
  await editInstalment.getByRole('textbox', { name: 'Status' }).click();
  await page.getByRole('option', { name: 'paid', exact: true }).click();
  await editInstalment.getByRole('button', { name: 'Save the instalment' }).click();
  await expect(page.getByRole('status')).toHaveText('Instalment 1 saved.');
  await expect(instalmentRows.nth(1)).toContainText('paid');

  // Deletes ask first: keeping it changes nothing, confirming removes the row.
  await instalmentRows
    .nth(1)
    .getByRole('button', { name: /^Delete instalment 1/ })
    .click();
  const confirmInstalment = page.getByRole('dialog', { name: /^Delete instalment 1/ });
  await checkA11y(page, testInfo, 'crm-confirm-delete');
  await snap(page, testInfo, 'confirm-delete');
  await confirmInstalment.getByRole('button', { name: 'Keep it' }).click();
  await expect(instalmentRows).toHaveCount(2);
  await instalmentRows
    .nth(1)
    .getByRole('button', { name: /^Delete instalment 1/ })
    .click();
  await confirmInstalment.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('status')).toHaveText('Instalment 1 deleted.');
  await expect(instalmentRows).toHaveCount(1);
  await paymentRows
    .nth(1)
    .getByRole('button', { name: /^Delete payment of \$75\.00/ })
    .click();
  await page
    .getByRole('dialog', { name: /^Delete payment of/ })
    .getByRole('button', { name: 'Delete' })
    .click();
  await expect(page.getByRole('status')).toHaveText('Payment of $75.00 deleted.');
  await expect(paymentRows).toHaveCount(1);

  await page.getByRole('tab', { name: 'Packages' }).click();
  await page.getByRole('button', { name: `Delete ${held}` }).click();
  await page
    .getByRole('dialog', { name: `Delete ${held}?` })
    .getByRole('button', { name: 'Delete' })
    .click();
  await expect(page.getByRole('status')).toHaveText('Client package deleted.');
  await expect(
    page
      .getByRole('table', { name: 'Client packages' })
      .getByRole('row')
      .filter({ hasText: `Ana ${last}` }),
  ).toHaveCount(0);
  await page.getByRole('button', { name: `Delete package ${packageName}` }).click();
  await page
    .getByRole('dialog', { name: `Delete package ${packageName}?` })
    .getByRole('button', { name: 'Delete' })
    .click();
  await expect(page.getByRole('status')).toHaveText(`Package ${packageName} deleted.`);
  await expect(packageRow).toHaveCount(0);

  await page.getByRole('tab', { name: 'Clients' }).click();
  await page.getByLabel('Search clients').fill(last);
  await expect(clients.getByRole('row')).toHaveCount(2);
  await page.getByRole('button', { name: `Delete Ana ${last}` }).click();
  await page
    .getByRole('dialog', { name: `Delete Ana ${last}?` })
    .getByRole('button', { name: 'Delete' })
    .click();
  await expect(page.getByRole('status')).toHaveText(`Client Ana ${last} deleted.`);
  await expect(clients.getByRole('row')).toHaveCount(1);
  await expect(page.getByText('0 in all')).toBeVisible();

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
