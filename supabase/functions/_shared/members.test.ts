import assert from 'node:assert/strict';
import { unusablePasswordHash } from './members.ts';
import { mailboxUrl } from './mailbox.ts';

Deno.test('unusablePasswordHash should be a well-formed bcrypt hash, different every time', () => {
  const a = unusablePasswordHash();
  assert.match(a, /^\$2a\$10\$[./A-Za-z0-9]{53}$/);
  assert.notEqual(a, unusablePasswordHash());
});

Deno.test('mailboxUrl should follow the CLI port layout for a local API when nothing is configured', () => {
  const saved = { mailbox: Deno.env.get('SUPABASE_MAILBOX_URL'), legacy: Deno.env.get('MAILBOX_URL'), url: Deno.env.get('SUPABASE_URL') };
  try {
    Deno.env.delete('SUPABASE_MAILBOX_URL');
    Deno.env.delete('MAILBOX_URL');
    Deno.env.set('SUPABASE_URL', 'http://127.0.0.1:54321');
    assert.equal(mailboxUrl(), 'http://127.0.0.1:54324');
    Deno.env.set('SUPABASE_URL', 'https://abc.supabase.co');
    assert.equal(mailboxUrl(), undefined);
    Deno.env.set('SUPABASE_MAILBOX_URL', 'https://mail.example.test/');
    assert.equal(mailboxUrl(), 'https://mail.example.test');
  } finally {
    for (const [name, value] of [['SUPABASE_MAILBOX_URL', saved.mailbox], ['MAILBOX_URL', saved.legacy], ['SUPABASE_URL', saved.url]] as const) {
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    }
  }
});
