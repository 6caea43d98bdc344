/**
 * The tool creator's journey through the UI: a tool created (a bad category shows its field error),
 * edited and submitted for review; two approved tools edited, which proposes changes (revisions) that
 * wait for the admin (the admin journey approves one and rejects the other, then checks what the
 * creator sees); an API key shown once, then only its prefix, then revoked; revenue
 * with its chart; a payout requested with a double click that holds the points once.
 */
import { checkA11y, checkPhoneWidth, expect, signIn, snap, test } from './fixtures.ts';

test('tool creator: tools, API keys, revenue, payouts', async ({ page }, testInfo) => {
  await signIn(page, 'creator@example.test');
  const name = `Journey tool ${Date.now().toString(36)}`;

  await page.goto('/creator/tools');
  await page.getByLabel(/^Name/).fill(name);
  await page.getByLabel('Description').first().fill('Made by the creator journey.');
  await page.getByLabel(/^Category/).fill('Bad Category');
  await page.getByLabel(/^Price in points/).fill('7');
  await page.getByRole('button', { name: 'Create the tool' }).click();
  await expect(page.getByText('Use a lower-case slug such as image-generation')).toBeVisible();
  await snap(page, testInfo, 'tool-field-error');
  await page.getByLabel(/^Category/).fill('journey-tools');
  await page.getByRole('button', { name: 'Create the tool' }).click();
  await expect(page.getByRole('status')).toHaveText(`Created ${name} as a draft.`);
  await checkA11y(page, testInfo, 'creator-tools');

  await page.getByRole('button', { name: `Edit ${name}` }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(/^Price in points/).fill('9');
  await dialog.getByRole('button', { name: 'Save the changes' }).click();
  await expect(page.getByRole('status')).toHaveText(`Saved ${name}.`);
  await page.getByRole('button', { name: `Submit ${name} for review` }).click();
  await expect(page.getByRole('status')).toHaveText(`${name} is waiting for review.`);
  await expect(page.getByRole('row').filter({ hasText: name })).toContainText('pending review');
  await expect(page.getByRole('row').filter({ hasText: name })).toContainText('9 points');
  await snap(page, testInfo, 'tools');

  // Editing a live tool proposes a change for review; the tool keeps its approved values meanwhile.
  const mine = page.getByRole('table', { name: 'My tools' });
  const changes = page.getByRole('table', { name: 'My proposed changes' });
  for (const live of ['Translator', 'Summariser']) {
    const before = await mine.getByRole('row').filter({ hasText: live }).first().textContent();
    await page.getByRole('button', { name: `Edit ${live}`, exact: true }).click();
    await page.getByRole('dialog').getByLabel('Description').fill(`${live} as the creator journey describes it.`);
    await page.getByRole('dialog').getByRole('button', { name: 'Save the changes' }).click();
    await expect(page.getByRole('status')).toHaveText(`Your changes to ${live} wait for an admin's review; until then it keeps its current values.`);
    await expect(mine.getByRole('row').filter({ hasText: live }).first()).toHaveText(before!);
    await expect(changes.getByRole('row').filter({ hasText: live }).first()).toContainText('waiting for review');
  }
  await checkA11y(page, testInfo, 'creator-revisions');
  await snap(page, testInfo, 'revisions-pending');
  await checkPhoneWidth(page, testInfo, 'creator-tools');

  await page.goto('/creator/keys');
  const keyName = `journey key ${Date.now().toString(36)}`;
  await page.getByLabel(/^Key name/).fill(keyName);
  await page.getByRole('button', { name: 'Create a key' }).click();
  const secret = (await page.getByTestId('new-key').textContent()) ?? '';
  expect(secret.length).toBeGreaterThan(20);
  await checkA11y(page, testInfo, 'api-key-created');
  await snap(page, testInfo, 'api-key-once');
  await page.reload();
  await expect(page.getByRole('row').filter({ hasText: keyName })).toBeVisible();
  await expect(page.getByText(secret)).toHaveCount(0);
  await page.getByRole('button', { name: `Revoke ${keyName}` }).click();
  await expect(page.getByRole('row').filter({ hasText: keyName })).toContainText('revoked');

  await page.goto('/creator/revenue');
  await expect(page.getByRole('img', { name: /Bar chart of points earned per day/ })).toBeVisible();
  const pending = async () => Number(/(\d+)/.exec((await page.getByTestId('total-pending-payout').textContent()) ?? '')?.[1]);
  const before = await pending();
  await page.getByLabel(/^Payout amount/).fill('1');
  await page.getByRole('button', { name: 'Request a payout' }).dblclick();
  await expect(page.getByRole('status')).toHaveText('Payout of 1 points requested.');
  await expect.poll(pending).toBe(before + 1);
  await checkA11y(page, testInfo, 'revenue');
  await snap(page, testInfo, 'revenue');
});
