/**
 * Mass mailing through invitations: every invited member is an e-mail sent and an address taken. A
 * caller or an account that has used up its hourly budget is refused (429 rate_limited) before anything
 * is written — no Auth user, no membership, no batch, no mail — and a batch that does not fit is refused
 * whole. The hourly budget (500) is reached here by recording the invitations "already sent this hour"
 * in the counters, which is what 500 real invitations would leave behind.
 */
import { describe, expect, it } from 'vitest';
import { accessToken, callFunction, createBusiness, mailTo, sql, uniqueEmail } from '../crm/support.ts';

const HOURLY_BUDGET = 500;

/** Records `used` invitations in this hour for a caller or an account. */
async function alreadySent(scope: 'caller' | 'account', id: string, used: number): Promise<void> {
  await sql(
    `insert into private.rate_limits (bucket, key, window_started_at, hits) values ($1, $2, now(), $3)
     on conflict (bucket, key) do update set window_started_at = now(), hits = excluded.hits`,
    [`invitations:${scope}`, id, used],
  );
}

async function footprint(accountId: string, emails: string[]) {
  const [row] = await sql<{ users: number; members: number; batches: number }>(
    `select (select count(*)::int from auth.users where lower(email) = any($2::text[])) as users,
            (select count(*)::int from public.account_members where account_id = $1) as members,
            (select count(*)::int from public.member_batches where account_id = $1) as batches`,
    [accountId, emails.map((e) => e.toLowerCase())],
  );
  return row!;
}

describe('invitation budgets', () => {
  it("a batch that would pass the account's hourly budget is refused whole and writes nothing", async () => {
    const business = await createBusiness();
    await alreadySent('account', business.accountId, HOURLY_BUDGET - 2);
    const emails = [uniqueEmail('flood-a'), uniqueEmail('flood-b'), uniqueEmail('flood-c')];
    const before = await footprint(business.accountId, emails);
    const bearer = await accessToken(business.owner.kit);
    const refused = await callFunction('account-batches', {
      bearer,
      body: { account_id: business.accountId, name: 'Flood', members: emails.map((email, i) => ({ email, full_name: `Flood ${i}` })) },
    });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'rate_limited', details: { scope: 'account', limit: HOURLY_BUDGET, remaining: 2, requested: 3 } });
    expect(await footprint(business.accountId, emails)).toEqual(before);
    for (const email of emails) expect(await mailTo(email)).toEqual([]);

    // Two still fit; the third single invitation does not.
    for (const email of emails.slice(0, 2)) {
      const added = await callFunction('account-members', { bearer, body: { account_id: business.accountId, email, full_name: 'Fits' } });
      expect(added.status).toBe(201);
    }
    const third = await callFunction('account-members', { bearer, body: { account_id: business.accountId, email: emails[2], full_name: 'Over' } });
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe('rate_limited');
    expect((await footprint(business.accountId, [emails[2]!])).users).toBe(0);
  });

  it('a caller who has used up their own hourly budget cannot invite into another account either', async () => {
    const business = await createBusiness();
    await alreadySent('caller', business.owner.id, HOURLY_BUDGET);
    const email = uniqueEmail('caller-over');
    const refused = await callFunction('account-members', {
      bearer: await accessToken(business.owner.kit),
      body: { account_id: business.accountId, email, full_name: 'Over' },
    });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'rate_limited', details: { scope: 'caller' } });
    expect((await footprint(business.accountId, [email])).users).toBe(0);
  });
});
