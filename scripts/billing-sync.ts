/**
 * `npm run billing:sync`: the plan catalogue's first load — every product and price in the Stripe
 * account, written through the same SQL functions as the webhook's product.* and price.* events
 * (private.billing_apply_product / billing_apply_price), so an older copy never overwrites a newer one.
 * Needs STRIPE_SECRET_KEY (or the stack's fake Stripe) and the database URL (SUPABASE_DB_URL, or the
 * stack's; STACK_PROFILE=test for the test stack). Admins can do the same over HTTP: `POST /billing/sync`.
 */
import pg from 'pg';
import Stripe from 'stripe';
import { loadStackConfig } from '../src/stack/config.ts';

const config = loadStackConfig(process.env.STACK_PROFILE === 'test' ? 'test' : 'dev');
const dbUrl = process.env.SUPABASE_DB_URL ?? config.dbUrl;
const key = process.env.STRIPE_SECRET_KEY ?? config.fakeStripe.secretKey;
const host = process.env.STRIPE_API_HOST ?? (process.env.STRIPE_SECRET_KEY ? undefined : new URL(config.fakeStripe.url).hostname);
const port = process.env.STRIPE_API_PORT ?? (process.env.STRIPE_SECRET_KEY ? undefined : new URL(config.fakeStripe.url).port);
const protocol = process.env.STRIPE_API_PROTOCOL ?? (process.env.STRIPE_SECRET_KEY ? undefined : 'http');
const stripe = new Stripe(key, {
  ...(host ? { host } : {}),
  ...(port ? { port: Number(port) } : {}),
  ...(protocol === 'http' || protocol === 'https' ? { protocol } : {}),
});

const client = new pg.Client({ connectionString: dbUrl });
await client.connect();
try {
  let products = 0;
  let prices = 0;
  for await (const product of stripe.products.list({ limit: 100 })) {
    await client.query(`select private.billing_apply_product(null, 'product.updated', $1::jsonb)`, [JSON.stringify(product)]);
    products++;
  }
  const at = Math.floor(Date.now() / 1000);
  for await (const price of stripe.prices.list({ limit: 100 })) {
    await client.query(`select private.billing_apply_price(null, 'price.updated', $1, $2::jsonb)`, [at, JSON.stringify(price)]);
    prices++;
  }
  console.log(`synced ${products} products and ${prices} prices`);
} finally {
  await client.end();
}
