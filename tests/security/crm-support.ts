/**
 * Shared pieces of the CRM attack suites: a raw PostgREST call through the gateway with a member's
 * token (the attacks send what the SDK never would: no filter, foreign account ids, chosen ids), and
 * a client of the business with a full set of money records, written as `postgres`.
 */
import { randomUUID } from 'node:crypto';
import { accessToken, randomIp, sql, stack, type TestUser } from '../crm/support.ts';
import { responseBody } from '../helpers/http.ts';

/** One REST answer. */
export interface RestAnswer {
  status: number;
  body: any;
}

/**
 * `method /rest/v1/<path>` as `user`, e.g. `rest(member, 'PATCH', 'crm_payments', { status: 'refunded' })`.
 * `return=minimal` by default, as an attacker would send it: a RETURNING clause that reads columns
 * would make Postgres apply the SELECT policy too and hide what the write policies let through.
 */
export async function rest(user: TestUser, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, prefer = 'return=minimal'): Promise<RestAnswer> {
  const response = await fetch(`${stack.url}/rest/v1/${path}`, {
    method,
    headers: {
      apikey: stack.publishableKey,
      Authorization: `Bearer ${await accessToken(user.kit)}`,
      'Content-Type': 'application/json',
      Prefer: prefer,
      'X-Forwarded-For': randomIp(),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await responseBody(response) };
}

/** The ids of a client and of its package, payment, instalment and Stripe link. */
export interface ClientRecords {
  client: string;
  clientPackage: string;
  payment: string;
  instalment: string;
  stripeCustomer: string;
}

/** A client of `accountId` (assigned to `closerId` when given) with one record in every money table. */
export async function clientWithRecords(accountId: string, closerId: string | null = null): Promise<ClientRecords> {
  const [client] = await sql<{ id: string }>(`insert into public.crm_clients (account_id, first_name, last_name, closer_id) values ($1, 'Target', $2, $3) returning id`, [
    accountId,
    randomUUID().slice(0, 8),
    closerId,
  ]);
  const [pkg] = await sql<{ id: string }>(`insert into public.crm_packages (account_id, name, price) values ($1, $2, 100) returning id`, [accountId, `Package ${randomUUID()}`]);
  const [clientPackage] = await sql<{ id: string }>(
    `insert into public.crm_client_packages (account_id, client_id, package_id, payment_schedule) values ($1, $2, $3, 'Monthly') returning id`,
    [accountId, client!.id, pkg!.id],
  );
  const [payment] = await sql<{ id: string }>(
    `insert into public.crm_payments (account_id, client_id, client_package_id, amount, currency, status) values ($1, $2, $3, 100, 'USD', 'paid') returning id`,
    [accountId, client!.id, clientPackage!.id],
  );
  const [instalment] = await sql<{ id: string }>(
    `insert into public.crm_instalments (account_id, client_id, client_package_id, payment_id, instalment_number, amount, currency, schedule_date, status)
     values ($1, $2, $3, $4, 1, 100, 'USD', current_date, 'open') returning id`,
    [accountId, client!.id, clientPackage!.id, payment!.id],
  );
  const [stripeCustomer] = await sql<{ id: string }>(`insert into public.crm_stripe_customers (account_id, client_id, stripe_customer_id) values ($1, $2, $3) returning id`, [
    accountId,
    client!.id,
    `cus_${randomUUID().replaceAll('-', '')}`,
  ]);
  return { client: client!.id, clientPackage: clientPackage!.id, payment: payment!.id, instalment: instalment!.id, stripeCustomer: stripeCustomer!.id };
}
