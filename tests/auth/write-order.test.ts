/**
 * What triggers on `auth.users` observe (contract §3.3): a temporary row trigger records every INSERT
 * and UPDATE of the users these tests create; the assertions check the AFTER INSERT view (`role = ''`,
 * only the client's `data`, no identity yet) and the order of the writes that follow. Also: sessions
 * carry the client's user agent and IP, and a failing trigger fails the sign-up with a 500.
 */
import { AuthRetryableFetchError } from '@supabase/supabase-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceAddressFor } from '../helpers/client-address.ts';
import { adminClient, client, PASSWORD, sql, stack, uniqueEmail, confirmEmail } from './support.ts';

const suffix = Math.random().toString(36).slice(2, 8);
const LOG = `public.auth_write_log_${suffix}`;
const FN = `public.auth_write_log_fn_${suffix}`;
const TRIGGER = `auth_write_log_${suffix}`;
const FAIL_FN = `public.auth_write_fail_fn_${suffix}`;
const FAIL_TRIGGER = `auth_write_fail_${suffix}`;
// Only users of this suite are logged (or refused), so concurrent suites are not affected.
const PREFIX = `wo${suffix}`;

interface LogRow {
  seq: number;
  op: string;
  role: string;
  user_meta: Record<string, unknown>;
  app_meta: Record<string, unknown>;
  email_confirmed: boolean;
  signed_in: boolean;
  identities: number;
}

beforeAll(async () => {
  await sql(`create table ${LOG} (seq bigserial primary key, email text, op text, role text, user_meta jsonb,
    app_meta jsonb, email_confirmed boolean, signed_in boolean, identities int)`);
  await sql(`revoke all on ${LOG} from anon, authenticated`);
  await sql(`alter table ${LOG} enable row level security`);
  await sql(`create function ${FN}() returns trigger language plpgsql security definer set search_path = '' as $$
    begin
      if new.email like '${PREFIX}%' then
        insert into ${LOG} (email, op, role, user_meta, app_meta, email_confirmed, signed_in, identities)
        values (new.email, tg_op, new.role, new.raw_user_meta_data, new.raw_app_meta_data,
                new.email_confirmed_at is not null, new.last_sign_in_at is not null,
                (select count(*) from auth.identities i where i.user_id = new.id));
      end if;
      return null;
    end $$`);
  await sql(`create trigger ${TRIGGER} after insert or update on auth.users for each row execute function ${FN}()`);
  await sql(`create function ${FAIL_FN}() returns trigger language plpgsql security definer set search_path = '' as $$
    begin
      if new.email like '${PREFIX}-refused%' then raise exception 'refused by a test trigger'; end if;
      return new;
    end $$`);
  await sql(`create trigger ${FAIL_TRIGGER} after insert on auth.users for each row execute function ${FAIL_FN}()`);
});

/** Only the table owner may drop its triggers: the auth server's role, as on Supabase. */
async function asTableOwner(text: string): Promise<void> {
  const url = new URL(stack.dbUrl);
  url.username = 'supabase_auth_admin';
  const owner = new pg.Client({ connectionString: url.toString() });
  await owner.connect();
  try {
    await owner.query(text);
  } finally {
    await owner.end();
  }
}

afterAll(async () => {
  await asTableOwner(`drop trigger if exists ${TRIGGER} on auth.users`);
  await asTableOwner(`drop trigger if exists ${FAIL_TRIGGER} on auth.users`);
  await sql(`drop function if exists ${FN}()`);
  await sql(`drop function if exists ${FAIL_FN}()`);
  await sql(`drop table if exists ${LOG}`);
});

async function log(email: string): Promise<LogRow[]> {
  return sql<LogRow>(
    `select seq::int, op, role, user_meta, app_meta, email_confirmed, signed_in, identities
    from ${LOG} where email = $1 order by seq`,
    [email],
  );
}

describe('writes to auth.users on sign-up', () => {
  it("an AFTER INSERT trigger sees role = '', only the client data and no identity", async () => {
    const email = uniqueEmail(PREFIX);
    const { error } = await client().auth.signUp({ email, password: PASSWORD, options: { data: { plan: 'pro' } } });
    expect(error).toBeNull();
    const [insert] = await log(email);
    expect(insert).toMatchObject({
      op: 'INSERT',
      role: '',
      user_meta: { plan: 'pro' },
      app_meta: { provider: 'email', providers: ['email'] },
      email_confirmed: false,
      signed_in: false,
      identities: 0,
    });
  });

  it('follows the contract order: role, identity metadata, providers, confirmation, email_verified, sign-in', async () => {
    const email = uniqueEmail(PREFIX);
    await client().auth.signUp({ email, password: PASSWORD, options: { data: { plan: 'pro' } } });
    const rows = await log(email);
    const steps = rows.map((r) => ({
      op: r.op,
      role: r.role,
      verified: r.user_meta.email_verified ?? null,
      hasSub: 'sub' in r.user_meta,
      confirmed: r.email_confirmed,
      signedIn: r.signed_in,
      identities: r.identities,
    }));
    expect(steps).toEqual([
      { op: 'INSERT', role: '', verified: null, hasSub: false, confirmed: false, signedIn: false, identities: 0 },
      { op: 'UPDATE', role: 'authenticated', verified: null, hasSub: false, confirmed: false, signedIn: false, identities: 0 },
      { op: 'UPDATE', role: 'authenticated', verified: false, hasSub: true, confirmed: false, signedIn: false, identities: 1 },
      { op: 'UPDATE', role: 'authenticated', verified: false, hasSub: true, confirmed: false, signedIn: false, identities: 1 },
      // Confirmations on: the confirmation token is stored; nothing is confirmed or signed in.
      { op: 'UPDATE', role: 'authenticated', verified: false, hasSub: true, confirmed: false, signedIn: false, identities: 1 },
    ]);
  });

  it("admin createUser inserts with role '' and the given user_metadata, then sets the role", async () => {
    const email = uniqueEmail(PREFIX);
    await adminClient().auth.admin.createUser({ email, password: PASSWORD, user_metadata: { source: 'admin' } });
    const [insert, next] = await log(email);
    expect(insert).toMatchObject({ op: 'INSERT', role: '', user_meta: { source: 'admin' }, identities: 0 });
    expect(next).toMatchObject({ op: 'UPDATE', role: 'authenticated', identities: 1 });
  });

  it('a trigger that raises fails the sign-up with a retryable 500 and leaves no user', async () => {
    const email = uniqueEmail(`${PREFIX}-refused`);
    const { data, error } = await client().auth.signUp({ email, password: PASSWORD });
    expect(error).toBeInstanceOf(AuthRetryableFetchError);
    expect(error?.status).toBe(500);
    expect(data.user).toBeNull();
    expect(await sql('select 1 from auth.users where email = $1', [email])).toHaveLength(0);
  });
});

describe('sessions', () => {
  it('record the user agent and client IP of the sign-in', async () => {
    const email = uniqueEmail('session-client');
    await client().auth.signUp({ email, password: PASSWORD });
    const mailbox = client();
    await confirmEmail(mailbox, email);
    await mailbox.auth.signOut({ scope: 'local' });
    const c = client(undefined, { ip: '203.0.113.9', userAgent: 'write-order-test/2.0' });
    const { data, error } = await c.auth.signInWithPassword({ email, password: PASSWORD });
    expect(error).toBeNull();
    const [row] = await sql('select user_agent, host(ip) as ip, aal::text as aal from auth.sessions where user_id = $1 order by created_at desc limit 1', [data.user!.id]);
    expect(row).toEqual({ user_agent: 'write-order-test/2.0', ip: sourceAddressFor('203.0.113.9'), aal: 'aal1' });
  });
});
