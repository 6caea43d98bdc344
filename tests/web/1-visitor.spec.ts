/**
 * The visitor's journey through the UI: published content and approved tools without an account;
 * joining the waitlist; signing up (mismatched passwords show the field's error), confirming the
 * e-mail from the link in the mailbox (read over HTTP), signing out and in; a magic link; a password
 * reset, then signing in with the new password.
 */
import { tokenHashOf, waitForMail } from '../helpers/mailbox.ts';
import { checkA11y, expect, signIn, snap, test } from './fixtures.ts';

test('visitor: content, tools, waitlist, sign-up with e-mail confirmation, magic link, password reset', async ({ page }, testInfo) => {
  await page.goto('/');
  await expect(page.getByRole('link', { name: 'About the marketplace' })).toBeVisible();
  await checkA11y(page, testInfo, 'home');
  await snap(page, testInfo, 'home');
  await page.getByRole('link', { name: 'About the marketplace' }).click();
  await expect(page.getByRole('heading', { name: 'About the marketplace' })).toBeVisible();
  await checkA11y(page, testInfo, 'content');

  await page.goto('/tools');
  await expect(page.getByRole('article').first()).toBeVisible();
  await page.getByRole('article').first().getByRole('link').click();
  await expect(page.getByRole('link', { name: 'Sign in to use it' })).toBeVisible();
  await checkA11y(page, testInfo, 'tool-signed-out');

  const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  await page.goto('/');
  await page.getByLabel(/^E-mail/).fill(`early-${stamp}@example.test`);
  await page.getByRole('button', { name: 'Join' }).dblclick();
  await expect(page.getByRole('status')).toHaveText('You are on the list. We will write to you.');

  // Sign up: a mismatched repeat shows its field error; then the confirmation link from the mailbox.
  const email = `visitor-${stamp}@example.test`;
  await page.goto('/sign-up');
  await page.getByLabel(/^First name/).fill('Vera');
  await page.getByLabel(/^Last name/).fill('Visitor');
  await page.getByLabel(/^E-mail/).fill(email);
  await page.getByLabel(/^Password/).fill('first-password-1');
  await page.getByLabel(/^Repeat the password/).fill('other-password-1');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.locator('[id$="-error"]').first()).toBeVisible();
  await checkA11y(page, testInfo, 'sign-up-error');
  await snap(page, testInfo, 'sign-up-field-error');
  await page.getByLabel(/^Repeat the password/).fill('first-password-1');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('status')).toContainText(`We sent a confirmation link to ${email}`);
  const confirmation = await waitForMail(email, 'signup');
  await page.goto(`/auth/confirm?token_hash=${encodeURIComponent(tokenHashOf(confirmation))}&type=signup`);
  await expect(page.getByRole('heading', { name: 'Wallet' })).toBeVisible();
  await expect(page.getByTestId('balance')).toHaveText('0 points');
  await snap(page, testInfo, 'confirmed');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, email, 'first-password-1');
  await page.getByRole('button', { name: 'Sign out' }).click();

  // A magic link.
  await page.goto('/sign-in');
  await page.getByLabel(/^E-mail/).fill(email);
  await page.getByRole('button', { name: 'E-mail me a sign-in link' }).click();
  await expect(page.getByRole('status')).toHaveText('Check your e-mail for a sign-in link.');
  await checkA11y(page, testInfo, 'sign-in');
  const magic = await waitForMail(email, 'magiclink');
  await page.goto(`/auth/confirm?token_hash=${encodeURIComponent(tokenHashOf(magic))}&type=magiclink`);
  await expect(page.getByRole('heading', { name: 'Wallet' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();

  // A password reset, then the new password works.
  await page.goto('/sign-in');
  await page.getByLabel(/^E-mail/).fill(email);
  await page.getByRole('button', { name: 'Forgot your password?' }).click();
  await expect(page.getByRole('status')).toContainText('we sent a link to reset the password');
  const recovery = await waitForMail(email, 'recovery');
  await page.goto(`/reset-password?token_hash=${encodeURIComponent(tokenHashOf(recovery))}`);
  await page.getByLabel(/^New password/).fill('second-password-2');
  await page.getByLabel(/^Repeat the new password/).fill('second-password-2');
  await checkA11y(page, testInfo, 'reset-password');
  await page.getByRole('button', { name: 'Save the password' }).click();
  await expect(page.getByRole('heading', { name: 'Wallet' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, email, 'second-password-2');
  await snap(page, testInfo, 'signed-in-after-reset');

  // Register a business (a double click registers one): it waits for a platform admin's approval.
  await page.goto('/business');
  await expect(page.getByText('You are not a member of any business account.')).toBeVisible();
  await page.getByRole('button', { name: 'Register the business' }).click();
  await expect(page.getByRole('textbox', { name: 'Business name' })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('At least 2 characters')).toBeVisible();
  const business = `Journey Studio ${Date.now()}`;
  await page.getByLabel(/^Business name/).fill(business);
  await page.getByRole('button', { name: 'Register the business' }).dblclick();
  await expect(page.getByRole('status')).toHaveText(`Business ${business} registered: it waits for approval.`);
  // Listed once among my accounts (pending: it becomes usable once a platform admin approves it).
  await page.getByRole('textbox', { name: 'Business account' }).click();
  await expect(page.getByRole('option', { name: business })).toHaveCount(1);
  await page.keyboard.press('Escape');
  await checkA11y(page, testInfo, 'register-business');
  await snap(page, testInfo, 'business-registered');
});
