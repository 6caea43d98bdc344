import assert from 'node:assert/strict';
import { unusablePasswordHash } from './members.ts';
import { noticeHtml, smtpSettings } from './mailbox.ts';

Deno.test('unusablePasswordHash should be a well-formed bcrypt hash, different every time', () => {
  const a = unusablePasswordHash();
  assert.match(a, /^\$2a\$10\$[./A-Za-z0-9]{53}$/);
  assert.notEqual(a, unusablePasswordHash());
});

Deno.test('smtpSettings should take the SMTP_* secrets, else follow the CLI layout locally, else be unset', () => {
  const names = ['SMTP_HOST', 'SMTP_PORT', 'SMTP_USER', 'SMTP_PASS', 'SMTP_SENDER', 'SUPABASE_URL'] as const;
  const saved = Object.fromEntries(names.map((name) => [name, Deno.env.get(name)]));
  try {
    for (const name of names) Deno.env.delete(name);
    Deno.env.set('SUPABASE_URL', 'http://127.0.0.1:54321');
    assert.deepEqual(smtpSettings(), { host: '127.0.0.1', port: 54325, user: '', pass: '', sender: 'Backend Kit <no-reply@example.com>' });
    Deno.env.set('SUPABASE_URL', 'http://kong:8000');
    assert.equal(smtpSettings()?.host, 'inbucket');
    assert.equal(smtpSettings()?.port, 1025);
    Deno.env.set('SUPABASE_URL', 'https://abc.supabase.co');
    assert.equal(smtpSettings(), undefined);
    Deno.env.set('SMTP_HOST', 'smtp.example.test');
    Deno.env.set('SMTP_USER', 'apikey');
    Deno.env.set('SMTP_PASS', 'secret');
    Deno.env.set('SMTP_SENDER', 'Shop <shop@example.test>');
    assert.deepEqual(smtpSettings(), { host: 'smtp.example.test', port: 465, user: 'apikey', pass: 'secret', sender: 'Shop <shop@example.test>' });
    Deno.env.set('SMTP_PORT', 'nope');
    assert.equal(smtpSettings(), undefined);
  } finally {
    for (const name of names) {
      if (saved[name] === undefined) Deno.env.delete(name);
      else Deno.env.set(name, saved[name]!);
    }
  }
});

Deno.test('noticeHtml should escape the text and wrap it in the mail layout', () => {
  const html = noticeHtml({ to: 'a@example.test', subject: 'Approved <b>', text: 'Hello <you>\n\nSecond' });
  assert.match(html, /<p>Hello &lt;you&gt;<\/p>\n<p>Second<\/p>/);
  assert.match(html, /<title>Approved &lt;b&gt;<\/title>/);
});
