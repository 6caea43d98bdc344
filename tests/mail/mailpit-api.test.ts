/**
 * The local mailbox answers Mailpit's message API (the shape `supabase start`'s Mailpit serves), for
 * mail received over SMTP: list, one message, `latest`, search by recipient, subject and tag, delete
 * by IDs and by search. Any SMTP client can deliver (here nodemailer, as a provider integration would).
 */
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { stack, uniqueEmail } from '../helpers/stack.ts';

const smtpPort = Number(new URL(stack.mailboxUrl).port) + 1;
const api = `${stack.mailboxUrl}/api/v1`;
const transport = nodemailer.createTransport({ host: '127.0.0.1', port: Number(process.env.STACK_SMTP_PORT ?? smtpPort), secure: false, ignoreTLS: true });
afterAll(() => transport.close());

async function smtp(to: string, subject: string, tags?: string): Promise<void> {
  await transport.sendMail({
    from: '"Shop" <shop@example.test>',
    to,
    subject,
    text: `Hello ${to}, your code is 424242. http://127.0.0.1:3000/welcome`,
    html: `<p>Hello <b>there</b>, your code is 424242. <a href="http://127.0.0.1:3000/welcome?a=1&amp;b=2">Welcome</a></p>`,
    ...(tags ? { headers: { 'X-Tags': tags } } : {}),
  });
}

const json = async (url: string, init?: RequestInit): Promise<any> => {
  const response = await fetch(url, init);
  expect(response.status).toBe(200);
  return response.json();
};

describe("the mailbox's Mailpit API", () => {
  it('lists SMTP mail as MessagesSummary, newest first, with Mailpit summaries', async () => {
    const to = uniqueEmail('mailpit-list');
    await smtp(to, 'first');
    await smtp(to, 'second', 'welcome, promo');
    const page = await json(`${api}/search?query=${encodeURIComponent(`to:${to}`)}`);
    expect(Object.keys(page)).toEqual(expect.arrayContaining(['total', 'unread', 'count', 'messages_count', 'start', 'tags', 'messages']));
    expect(page).toMatchObject({ messages_count: 2, count: 2, start: 0 });
    expect(page.total).toBeGreaterThanOrEqual(2);
    expect(page.tags).toEqual(expect.arrayContaining(['promo', 'welcome']));
    const [second, first] = page.messages;
    expect(second).toMatchObject({
      Subject: 'second',
      From: { Name: 'Shop', Address: 'shop@example.test' },
      To: [{ Name: '', Address: to }],
      Cc: [],
      Bcc: [],
      ReplyTo: [],
      Tags: ['welcome', 'promo'],
      Read: false,
      Attachments: 0,
    });
    expect(second.ID).toEqual(expect.any(String));
    expect(second.MessageID).toMatch(/@/);
    expect(second.MessageID).not.toMatch(/^<|>$/);
    expect(Date.parse(second.Created)).not.toBeNaN();
    expect(second.Size).toBeGreaterThan(100);
    expect(second.Snippet).toContain('your code is 424242');
    expect(first.Subject).toBe('first');
    // Mailpit paging.
    const paged = await json(`${api}/search?query=${encodeURIComponent(`to:${to}`)}&start=1&limit=1`);
    expect(paged).toMatchObject({ start: 1, count: 1, messages_count: 2 });
    expect(paged.messages[0].Subject).toBe('first');
    // The plain list has the same shape.
    const list = await json(`${api}/messages?limit=5`);
    expect(list.count).toBeLessThanOrEqual(5);
    expect(list.messages[0]).toHaveProperty('ID');
  });

  it('returns one message with Text and HTML, marks it read, and answers `latest`', async () => {
    const to = uniqueEmail('mailpit-one');
    await smtp(to, 'one message');
    const { messages } = await json(`${api}/search?query=${encodeURIComponent(`to:${to}`)}`);
    const message = await json(`${api}/message/${messages[0].ID}`);
    expect(message).toMatchObject({ ID: messages[0].ID, Subject: 'one message', ReturnPath: 'shop@example.test', Inline: [], Attachments: [] });
    expect(message.Text).toContain('your code is 424242');
    expect(message.HTML).toContain('<b>there</b>');
    expect(Date.parse(message.Date)).not.toBeNaN();
    // The project's own fields stay alongside.
    expect(message.links).toEqual(['http://127.0.0.1:3000/welcome', 'http://127.0.0.1:3000/welcome?a=1&b=2']);
    expect(message.otps).toEqual(['424242']);
    const again = await json(`${api}/search?query=${encodeURIComponent(`to:${to}`)}`);
    expect(again.messages[0].Read).toBe(true);
    const latest = await json(`${api}/message/latest`);
    expect(latest.ID).toEqual(expect.any(String));
    expect((await fetch(`${api}/message/not-an-id`)).status).toBe(404);
  });

  it('searches by subject, tag and negation, all terms together', async () => {
    const to = uniqueEmail('mailpit-search');
    await smtp(to, 'Invoice ready', 'billing');
    await smtp(to, 'Weekly news');
    const by = async (query: string) => ((await json(`${api}/search?query=${encodeURIComponent(query)}`)).messages as { Subject: string }[]).map((m) => m.Subject);
    expect(await by(`to:${to} subject:invoice`)).toEqual(['Invoice ready']);
    expect(await by(`to:${to} tag:billing`)).toEqual(['Invoice ready']);
    expect(await by(`to:${to} !tag:billing`)).toEqual(['Weekly news']);
    expect(await by(`to:${to} subject:"weekly news"`)).toEqual(['Weekly news']);
    expect(await by(`to:${to} from:shop@example.test`)).toHaveLength(2);
    expect(await by(`to:${to} nothing-matches-this`)).toEqual([]);
  });

  it('deletes by IDs and by search, leaving other mail alone', async () => {
    const to = uniqueEmail('mailpit-delete');
    const keep = uniqueEmail('mailpit-keep');
    await smtp(to, 'a');
    await smtp(to, 'b');
    await smtp(keep, 'kept');
    const { messages } = await json(`${api}/search?query=${encodeURIComponent(`to:${to}`)}`);
    await json(`${api}/messages`, { method: 'DELETE', body: JSON.stringify({ IDs: [messages[0].ID] }) });
    expect((await json(`${api}/search?query=${encodeURIComponent(`to:${to}`)}`)).messages_count).toBe(1);
    await json(`${api}/search?query=${encodeURIComponent(`to:${to}`)}`, { method: 'DELETE' });
    expect((await json(`${api}/search?query=${encodeURIComponent(`to:${to}`)}`)).messages_count).toBe(0);
    expect((await json(`${api}/search?query=${encodeURIComponent(`to:${keep}`)}`)).messages_count).toBe(1);
    const bad = await fetch(`${api}/messages`, { method: 'DELETE', body: JSON.stringify({ IDs: 'all' }) });
    expect(bad.status).toBe(400);
  });
});
