/**
 * The local mailbox's HTTP API: delivery, listing per recipient (newest first, links and codes
 * extracted), one message by id, clearing one recipient, the HTML index, and refused deliveries.
 */
import { describe, expect, it } from 'vitest';
import { stack, uniqueEmail } from './support.ts';

const api = `${stack.mailboxUrl}/api/v1/messages`;

async function deliver(body: unknown): Promise<Response> {
  return fetch(api, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('mailbox', () => {
  it("lists a recipient's messages newest first with links and codes extracted from the text", async () => {
    const to = uniqueEmail('mbox');
    expect((await deliver({ to, subject: 'first', html: '<p>hi</p>', text: 'no link here' })).status).toBe(201);
    const second = await deliver({
      to: to.toUpperCase(),
      subject: 'second',
      html: '<a href="http://127.0.0.1:3000/a?x=1&amp;y=2">go</a>',
      text: 'Go to http://127.0.0.1:3000/b and enter 123456.',
      type: 'recovery',
    });
    expect(second.status).toBe(201);
    const list = (await (await fetch(`${api}?to=${encodeURIComponent(to)}`)).json()) as {
      total: number;
      messages: { subject: string; links: string[]; otps: string[]; type: string; id: string }[];
    };
    expect(list.total).toBe(2);
    expect(list.messages.map((m) => m.subject)).toEqual(['second', 'first']);
    expect(list.messages[0]!.links).toEqual(['http://127.0.0.1:3000/b', 'http://127.0.0.1:3000/a?x=1&y=2']);
    expect(list.messages[0]!.otps).toEqual(['123456']);
    expect(list.messages[0]!.type).toBe('recovery');
    const one = await fetch(`${api}/${list.messages[1]!.id}`);
    expect(((await one.json()) as { subject: string }).subject).toBe('first');
  });

  it("clears one recipient's messages without touching others", async () => {
    const to = uniqueEmail('mbox-clear');
    const other = uniqueEmail('mbox-keep');
    await deliver({ to, subject: 's', text: 't', html: '' });
    await deliver({ to: other, subject: 's', text: 't', html: '' });
    const cleared = (await (await fetch(`${api}?to=${encodeURIComponent(to)}`, { method: 'DELETE' })).json()) as { deleted: number };
    expect(cleared.deleted).toBe(1);
    const left = (await (await fetch(`${api}?to=${encodeURIComponent(other)}`)).json()) as { total: number };
    expect(left.total).toBe(1);
  });

  it('refuses a delivery without recipient with 400', async () => {
    const response = await deliver({ subject: 'no recipient', text: '' });
    expect(response.status).toBe(400);
  });

  it('refuses malformed JSON with 400', async () => {
    const response = await fetch(api, { method: 'POST', body: '{"to":' });
    expect(response.status).toBe(400);
  });

  it('answers 404 for an unknown message id', async () => {
    expect((await fetch(`${api}/does-not-exist`)).status).toBe(404);
  });

  it('shows an HTML index for people, escaping what it prints', async () => {
    const to = uniqueEmail('mbox-html');
    await deliver({ to, subject: '<script>alert(1)</script>', text: 'x', html: '' });
    const page = await (await fetch(`${stack.mailboxUrl}/?to=${encodeURIComponent(to)}`)).text();
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>alert(1)</script>');
  });

  it('answers /health', async () => {
    expect((await fetch(`${stack.mailboxUrl}/health`)).status).toBe(200);
  });
});
