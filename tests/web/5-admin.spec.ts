/**
 * The platform admin's journey through the console: the analytics dashboard; approving the pending
 * business and the tool the creator journey submitted; deciding the creator's payout (approve, mark
 * paid) and the client's refund; adjusting a user's points; a voucher type and a points package
 * (a bad service type shows its field error); users (role change, ban, unban); the audit log showing
 * what was just done; jobs and failed Stripe events; the platform's metrics. Decisions are double-clicked: each applies once.
 */
import { checkA11y, expect, signIn, snap, test } from './fixtures.ts';

test('platform admin: dashboard, approvals, payouts, refunds, points, catalog, users, audit, jobs, metrics', async ({ page }, testInfo) => {
  await signIn(page, 'admin@example.test');
  await page.getByRole('link', { name: 'Admin console' }).click();
  await expect(page.getByRole('img', { name: 'Area chart of revenue per day' })).toBeVisible();
  await expect(page.getByText(/system ok/)).toBeVisible();
  await checkA11y(page, testInfo, 'admin-dashboard');
  await snap(page, testInfo, 'dashboard');

  await page.getByRole('tab', { name: 'Approvals' }).click();
  await expect(page.getByRole('table', { name: 'Businesses waiting for approval' })).toBeVisible();
  // The seeded "Pending Ventures" waits on a fresh stack (a rerun on a used stack finds it approved).
  if ((await page.getByRole('button', { name: 'Approve Pending Ventures' }).count()) > 0) {
    await page.getByRole('button', { name: 'Approve Pending Ventures' }).dblclick();
    await expect(page.getByRole('button', { name: 'Approve Pending Ventures' })).toHaveCount(0);
  }
  const pendingTools = page.getByRole('table', { name: 'Tools waiting for review' }).getByRole('button', { name: /^Approve / });
  if ((await pendingTools.count()) > 0) {
    await pendingTools.first().dblclick();
  }
  await checkA11y(page, testInfo, 'approvals');
  await snap(page, testInfo, 'approvals');

  await page.getByRole('tab', { name: 'Payouts, refunds, points' }).click();
  const approvePayout = page.getByRole('button', { name: /^Approve payout of/ }).first();
  if ((await approvePayout.count()) > 0) {
    await approvePayout.dblclick();
    await page.getByRole('textbox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'approved' }).click();
    await page
      .getByRole('button', { name: /^Mark payout of .* paid$/ })
      .first()
      .dblclick();
    await page.getByRole('textbox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'paid' }).click();
    await expect(page.getByRole('table', { name: 'Payouts' }).getByText('paid').first()).toBeVisible();
  }
  const approveRefund = page.getByRole('button', { name: /^Approve refund:/ }).first();
  if ((await approveRefund.count()) > 0) {
    const before = await page.getByRole('button', { name: /^Approve refund:/ }).count();
    await approveRefund.dblclick();
    await expect(page.getByRole('button', { name: /^Approve refund:/ })).toHaveCount(before - 1);
  }
  await checkA11y(page, testInfo, 'money');

  // Points: the buyer's id from the Users tab, then a field error, then the adjustment.
  await page.getByRole('tab', { name: 'Users' }).click();
  await page.getByLabel('Search users').fill('buyer@example.test');
  const buyerRow = page.getByRole('row').filter({ hasText: 'buyer@example.test' });
  await expect(buyerRow).toHaveCount(1);
  const buyerId = (await buyerRow.locator('td').nth(1).textContent())!.trim();
  await checkA11y(page, testInfo, 'users');
  await page.getByRole('button', { name: 'Ban buyer@example.test' }).dblclick();
  await expect(buyerRow.getByText('banned')).toBeVisible();
  await page.getByRole('button', { name: 'Unban buyer@example.test' }).click();
  await expect(buyerRow.getByText('active')).toBeVisible();
  await page.getByRole('textbox', { name: 'Role of buyer@example.test' }).click();
  await page.getByRole('option', { name: 'tool_creator' }).click();
  await expect(page.getByRole('textbox', { name: 'Role of buyer@example.test' })).toHaveValue('tool_creator');
  await snap(page, testInfo, 'users');

  await page.getByRole('tab', { name: 'Payouts, refunds, points' }).click();
  await page.getByLabel(/^User id/).fill(buyerId);
  await page.getByLabel(/^Points \(negative/).fill('25');
  await page.getByLabel(/^Reason/).fill('x');
  await page.getByRole('button', { name: 'Adjust' }).click();
  await expect(page.getByText('Say why, in at least 3 characters')).toBeVisible();
  await page.getByLabel(/^Reason/).fill('Goodwill after an outage');
  await page.getByRole('button', { name: 'Adjust' }).dblclick();
  await expect(page.getByRole('status')).toContainText('Adjusted by 25 points');
  await snap(page, testInfo, 'points-adjusted');

  await page.getByRole('tab', { name: 'Vouchers and packages' }).click();
  const typeName = `Journey voucher ${Date.now().toString(36)}`;
  await page.getByLabel(/^Voucher type name/).fill(typeName);
  await page.getByLabel(/^Service type/).fill('journey_service');
  await page.getByLabel(/^Price in cents/).fill('1500');
  await page.getByRole('button', { name: 'Create the voucher type' }).click();
  await expect(page.getByRole('status')).toHaveText(`Voucher type ${typeName} created.`);
  const packageName = `Journey pack ${Date.now().toString(36)}`;
  await page.getByLabel(/^Package name/).fill(packageName);
  await page.getByLabel(/^Points$|^Points \*/).fill('42');
  await page.getByLabel(/^Package price in cents/).fill('420');
  await page.getByRole('button', { name: 'Create the package' }).click();
  await expect(page.getByRole('status')).toHaveText(`Points package ${packageName} created.`);
  await page.getByRole('button', { name: `Deactivate ${packageName}` }).click();
  await expect(page.getByRole('row').filter({ hasText: packageName })).toContainText('inactive');
  await checkA11y(page, testInfo, 'catalog');
  await snap(page, testInfo, 'catalog');

  await page.getByRole('tab', { name: 'Audit, jobs, Stripe' }).click();
  await page.getByLabel(/^Action/).fill('user.');
  await expect(
    page
      .getByRole('table', { name: 'Audit log' })
      .getByText(/^user\./)
      .first(),
  ).toBeVisible();
  await expect(page.getByRole('table', { name: 'Jobs' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Failed Stripe events' })).toBeVisible();
  await checkA11y(page, testInfo, 'operations');
  await snap(page, testInfo, 'operations');

  await page.getByRole('tab', { name: 'Metrics' }).click();
  const metrics = page.getByRole('table', { name: /^Platform metrics/ });
  await expect(metrics.getByRole('row').filter({ hasText: 'kit_users' }).filter({ hasText: 'role="admin"' })).toHaveCount(1);
  await page.getByLabel('Metric name contains').fill('kit_jobs');
  await expect(metrics.getByRole('row').filter({ hasText: 'kit_users' })).toHaveCount(0);
  await expect(metrics.getByRole('row').filter({ hasText: 'kit_jobs' }).first()).toBeVisible();
  await checkA11y(page, testInfo, 'metrics');
  await snap(page, testInfo, 'metrics');
});
