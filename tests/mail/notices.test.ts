/**
 * The functions' notices go out over SMTP (nodemailer with the SMTP_* secrets; the local stack points
 * them at the mailbox's SMTP port) and arrive in the mailbox as any SMTP client's mail would: with a
 * sender, a Message-ID, their kind as a Mailpit tag, and the project's mail layout.
 */
import { describe, expect, it } from 'vitest';
import { createUser, kit, uniqueEmail } from '../crm/support.ts';
import { waitForMail } from '../helpers/mailbox.ts';
import { stack } from '../helpers/stack.ts';

describe('notices over SMTP', () => {
  it('an account approval reaches the mailbox through SMTP, tagged, from the configured sender, in the mail layout', async () => {
    const owner = await createUser('smtp-owner', { fullName: 'Sam Smtp' });
    const name = `Smtp ${Date.now()}`;
    const registered = await owner.kit.accounts.register({ name, contact_email: owner.email });
    expect(registered.error).toBeNull();
    const admin = await createUser('smtp-admin', { admin: true });
    const approved = await admin.kit.admin.accounts.approve(registered.data!.account.id);
    expect(approved.data?.notified).toBe(true);

    const notice = await waitForMail(owner.email, 'account_review');
    expect(notice.subject).toBe('Your business account was approved');
    expect(notice.text).toContain(name);
    // Only an SMTP delivery has a Message-ID, envelope sender and MIME-parsed parts.
    const full = (await (await fetch(`${stack.mailboxUrl}/api/v1/message/${notice.id}`)).json()) as {
      MessageID: string;
      From: { Address: string; Name: string };
      Tags: string[];
      HTML: string;
    };
    expect(full.MessageID).toMatch(/@/);
    expect(full.From).toEqual({ Name: 'Backend Kit', Address: 'no-reply@example.com' });
    expect(full.Tags).toEqual(['account_review']);
    expect(full.HTML).toContain('<title>Your business account was approved</title>');
    expect(full.HTML).toContain('>Backend Kit</td>');
  });

  it('a registration attempt on a confirmed address notifies its owner over SMTP and tells the caller nothing', async () => {
    const owner = await createUser('smtp-taken');
    const { error } = await kit().auth.registerClient({
      email: owner.email,
      password: 'another-Password-1',
      password_confirmation: 'another-Password-1',
      first_name: 'Eve',
      last_name: 'Attempt',
    });
    expect(error).toBeNull();
    const notice = await waitForMail(owner.email, 'registration_attempt');
    expect(notice.subject).toBe('Someone tried to register with your e-mail address');
  });

  it('a notice for one address is not listed for another', async () => {
    const other = uniqueEmail('smtp-nobody');
    const response = await fetch(`${stack.mailboxUrl}/api/v1/search?query=${encodeURIComponent(`to:"${other}"`)}`);
    expect(((await response.json()) as { messages_count: number }).messages_count).toBe(0);
  });
});
