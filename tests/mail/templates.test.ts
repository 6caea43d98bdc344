/**
 * Auth's e-mails use `[auth.email.template.<kind>]` as GoTrue does: each kind's subject, and its HTML
 * file rendered with the Go-template variables of that mail — compared here byte for byte with the
 * template file rendered from the link, code and addresses the mail carries. Also: the notices share
 * the templates' layout, template data is escaped, and a missing file stops start-up naming the file.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMailSettings } from '../../src/auth/mail/mailer.ts';
import { compileTemplate, loadMailTemplates, renderTemplate, type TemplateKind } from '../../src/auth/mail/templates.ts';
import { loadStackConfig, projectRoot } from '../../src/stack/config.ts';
import { MAIL_CONTENT_SLOT, mailLayout } from '../../supabase/functions/_shared/mail-layout.ts';
import { adminClient, client, PASSWORD, signedUpUser, sql, uniqueEmail, waitForMail, type MailboxMessage } from '../auth/support.ts';

const templates = loadMailTemplates({ auth: { email: { template: configuredTemplates() } } }, projectRoot);

function configuredTemplates(): Record<string, unknown> {
  // The very sections of supabase/config.toml.
  const settings = loadMailSettings(loadStackConfig('test'));
  return Object.fromEntries(Object.entries(settings.templates).map(([kind, t]) => [kind, { subject: t.subject, content_path: t.file }]));
}

const siteUrl = loadStackConfig('test').auth.siteUrl;

/** The template of `kind` rendered from what `mail` carries. */
function expected(kind: TemplateKind, mail: MailboxMessage, vars: { email: string; newEmail?: string }): string {
  const link = mail.links.find((l) => l.includes('/verify?')) ?? '';
  return renderTemplate(templates[kind].body, {
    ConfirmationURL: link,
    Token: mail.otps[0] ?? '',
    TokenHash: link ? (new URL(link).searchParams.get('token') ?? '') : '',
    SiteURL: siteUrl,
    Email: vars.email,
    NewEmail: vars.newEmail ?? '',
    RedirectTo: link ? (new URL(link).searchParams.get('redirect_to') ?? '') : '',
    Data: {},
  });
}

function expectTemplate(kind: TemplateKind, mail: MailboxMessage, vars: { email: string; newEmail?: string }): void {
  expect(templates[kind].file).toBe(path.join(projectRoot, 'supabase', 'templates', `${kind}.html`));
  expect(mail.subject).toBe(templates[kind].subject);
  expect(mail.html).toBe(expected(kind, mail, vars));
  expect(mail.html).toContain('>Backend Kit</td>');
  const link = mail.links.find((l) => l.includes('/verify?'));
  if (kind !== 'reauthentication') expect(mail.html).toContain(`href="${link!.replace(/&/g, '&amp;')}"`);
  expect(mail.otps[0]).toMatch(/^\d{6}$/);
}

describe('Auth e-mail templates', () => {
  it('confirmation: the sign-up mail is the confirmation template', async () => {
    const email = uniqueEmail('tpl-confirm');
    expect((await client().auth.signUp({ email, password: PASSWORD })).error).toBeNull();
    expectTemplate('confirmation', await waitForMail(email, 'signup'), { email });
  });

  it('invite: the admin invitation is the invite template', async () => {
    const email = uniqueEmail('tpl-invite');
    expect((await adminClient().auth.admin.inviteUserByEmail(email)).error).toBeNull();
    expectTemplate('invite', await waitForMail(email, 'invite'), { email });
  });

  it('magic_link: the OTP sign-in of a confirmed user is the magic link template', async () => {
    const user = await signedUpUser('tpl-magic');
    expect((await client().auth.signInWithOtp({ email: user.email, options: { shouldCreateUser: false } })).error).toBeNull();
    expectTemplate('magic_link', await waitForMail(user.email, 'magiclink'), { email: user.email });
  });

  it('recovery: the password reset is the recovery template', async () => {
    const user = await signedUpUser('tpl-recovery');
    expect((await client().auth.resetPasswordForEmail(user.email)).error).toBeNull();
    expectTemplate('recovery', await waitForMail(user.email, 'recovery'), { email: user.email });
  });

  it('email_change: both addresses get the e-mail change template, naming old and new address', async () => {
    const user = await signedUpUser('tpl-change');
    const newEmail = uniqueEmail('tpl-change-new');
    expect((await user.client.auth.updateUser({ email: newEmail })).error).toBeNull();
    const toNew = await waitForMail(newEmail, 'email_change');
    const toCurrent = await waitForMail(user.email, 'email_change');
    expectTemplate('email_change', toNew, { email: user.email, newEmail });
    expectTemplate('email_change', toCurrent, { email: user.email, newEmail });
    expect(toNew.html).toContain(`to ${newEmail}.`);
    expect(toNew.otps[0]).not.toBe(toCurrent.otps[0]);
  });

  it('reauthentication: the nonce mail is the reauthentication template (a code, no link)', async () => {
    const user = await signedUpUser('tpl-reauth');
    expect((await user.client.auth.reauthenticate()).error).toBeNull();
    const mail = await waitForMail(user.email, 'reauthentication');
    expectTemplate('reauthentication', mail, { email: user.email });
    expect(mail.links).toEqual([]);
  });

  it('escapes user-controlled data: metadata with markup cannot inject HTML or links into a mail', async () => {
    const template = compileTemplate('<p>Hi {{ .Data.name }}, <a href="{{ .ConfirmationURL }}">go</a></p>', 'inline');
    const html = renderTemplate(template, {
      ConfirmationURL: 'http://127.0.0.1/verify?token=a&type=signup',
      Token: '',
      TokenHash: '',
      SiteURL: '',
      Email: '',
      NewEmail: '',
      RedirectTo: '',
      Data: { name: '<a href="https://evil.test">click</a>"' },
    });
    expect(html).toBe('<p>Hi &lt;a href=&#34;https://evil.test&#34;&gt;click&lt;/a&gt;&#34;, <a href="http://127.0.0.1/verify?token=a&amp;type=signup">go</a></p>');
    // The same through a real sign-up whose metadata carries markup: the stored metadata never reaches the mail unescaped.
    const email = uniqueEmail('tpl-evil');
    expect((await client().auth.signUp({ email, password: PASSWORD, options: { data: { name: '<script>x</script>' } } })).error).toBeNull();
    const mail = await waitForMail(email, 'signup');
    expect(mail.html).not.toContain('<script>');
    expect(await sql('select 1 from auth.users where email = $1', [email])).toHaveLength(1);
  });

  it("notices share the templates' layout: the same document around each mail's own content", () => {
    const [head, , foot] = mailLayout('TITLE', 'X').split(MAIL_CONTENT_SLOT);
    for (const kind of Object.keys(templates) as TemplateKind[]) {
      const file = readFileSync(templates[kind].file, 'utf8');
      const [fileHead, , fileFoot] = file.split(MAIL_CONTENT_SLOT);
      expect(fileHead).toBe(head!.replace(/TITLE/g, templates[kind].subject));
      expect(fileFoot).toBe(foot);
    }
  });
});

describe('template configuration errors stop start-up with the file named', () => {
  const stack = loadStackConfig('test');
  const write = (toml: string, files: Record<string, string> = {}): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mail-config-'));
    for (const [name, body] of Object.entries(files)) writeFileSync(path.join(dir, name), body);
    const file = path.join(dir, 'config.toml');
    writeFileSync(file, toml.replace(/DIR/g, dir));
    return file;
  };

  it('a missing content_path file', () => {
    const file = write('[auth.email.template.recovery]\nsubject = "Reset"\ncontent_path = "DIR/nope.html"\n');
    expect(() => loadMailSettings(stack, file)).toThrow(/auth\.email\.template\.recovery\.content_path: cannot read .*nope\.html \(no such file\)/);
  });

  it('an unknown variable or an unsupported action, with file and line', () => {
    const unknown = write('[auth.email.template.invite]\ncontent_path = "DIR/invite.html"\n', { 'invite.html': '<p>\n{{ .Password }}</p>' });
    expect(() => loadMailSettings(stack, unknown)).toThrow(/invite\.html:2: unknown template variable \{\{ \.Password \}\}/);
    const action = write('[auth.email.template.invite]\ncontent_path = "DIR/invite.html"\n', { 'invite.html': '{{ if .Token }}x{{ end }}' });
    expect(() => loadMailSettings(stack, action)).toThrow(/invite\.html:1: unsupported template action \{\{ if \.Token \}\}/);
  });

  it('an unknown template kind, and [auth.email.smtp] without its required fields', () => {
    expect(() => loadMailSettings(stack, write('[auth.email.template.welcome]\nsubject = "Hi"\n'))).toThrow(/\[auth\.email\.template\.welcome\] is not a template kind/);
    expect(() => loadMailSettings(stack, write('[auth.email.smtp]\nenabled = true\nhost = "smtp.example.test"\nport = 587\n'))).toThrow(
      'Missing required field in config: auth.email.smtp.user',
    );
  });

  it('a provider in [auth.email.smtp] is used instead of the local mailbox, with env() secrets resolved', () => {
    process.env.MAIL_TEST_SMTP_PASS = 's3cret';
    const file = write(
      '[auth.email.smtp]\nenabled = true\nhost = "smtp.example.test"\nport = 465\nuser = "apikey"\npass = "env(MAIL_TEST_SMTP_PASS)"\nadmin_email = "a@example.test"\nsender_name = "Shop"\n',
    );
    expect(loadMailSettings(stack, file)).toMatchObject({
      smtp: { host: 'smtp.example.test', port: 465, user: 'apikey', pass: 's3cret', secure: true },
      sender: { address: 'a@example.test', name: 'Shop' },
    });
    expect(loadMailSettings(stack, write('')).smtp).toMatchObject({ host: '127.0.0.1', port: stack.ports.smtp });
  });
});
