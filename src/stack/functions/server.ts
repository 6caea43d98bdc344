/**
 * The Edge Functions server of the local stack, on real Deno: stands in for Supabase's edge-runtime
 * main service. It loads every `supabase/functions/<name>/index.ts` once at start, capturing the
 * handler each one gives to `Deno.serve`, and routes `/<name>/…` to it (the gateway has already
 * stripped `/functions/v1`).
 *
 * `verify_jwt` is honoured per function as hosted Supabase does it: the platform's check accepts only
 * a legacy HS256 token signed with the project's JWT secret (a user's session token, or the anon /
 * service_role key, which the gateway also puts there for a publishable / secret key), and refuses
 * tokens signed with the new asymmetric keys (ES256/RS256) with 401 `Invalid JWT`. The CLI's local
 * runtime also accepts those; we keep hosted's rule so that nothing passes here and fails there.
 * Functions that must accept asymmetric tokens set `verify_jwt = false` and check the caller
 * themselves (_shared/auth.ts), as Supabase advises.
 *
 * Settings come from the environment, set by the stack: FUNCTIONS_PORT, FUNCTIONS_DIR,
 * FUNCTIONS_VERIFY_JWT (JSON `{name: bool}`), FUNCTIONS_JWT_SECRET (the gate's key: read, then removed
 * from the environment, so functions see only the keys the platform gives them).
 */
import { jwtVerify } from 'jose';

type Handler = (request: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>;

const port = Number(Deno.env.get('FUNCTIONS_PORT') ?? '31580');
const functionsDir = Deno.env.get('FUNCTIONS_DIR') ?? `${Deno.cwd()}/supabase/functions`;
const verifyJwtConfig = JSON.parse(Deno.env.get('FUNCTIONS_VERIFY_JWT') ?? '{}') as Record<string, boolean>;
const gateSecret = Deno.env.get('FUNCTIONS_JWT_SECRET') ?? '';
Deno.env.delete('FUNCTIONS_JWT_SECRET');
const jwtSecret = new TextEncoder().encode(gateSecret);
const SLUG = /^[A-Za-z][A-Za-z0-9_-]*$/;

const handlers = new Map<string, Handler>();
const loadErrors = new Map<string, string>();
const realServe = Deno.serve.bind(Deno);
let loading: string | undefined;

// Functions call Deno.serve(handler) at module load; capture the handler instead of listening.
(Deno as unknown as { serve: unknown }).serve = (...args: unknown[]) => {
  const last = args[args.length - 1] as unknown;
  const handler = (typeof last === 'function' ? last : (args[0] as { handler?: Handler })?.handler) as Handler | undefined;
  if (!loading || !handler) throw new Error('Deno.serve called outside a function module load');
  handlers.set(loading, handler);
  const finished = new Promise<void>(() => {});
  return { finished, addr: { transport: 'tcp', hostname: '127.0.0.1', port }, shutdown: () => Promise.resolve(), ref() {}, unref() {} };
};

async function discover(): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(functionsDir)) {
    if (!entry.isDirectory || !SLUG.test(entry.name)) continue;
    try {
      await Deno.stat(`${functionsDir}/${entry.name}/index.ts`);
      names.push(entry.name);
    } catch {
      // a folder without index.ts is not a function
    }
  }
  return names.sort();
}

/**
 * Loading every function takes about a second (their npm dependencies are compiled on import), so the
 * server listens first and loads them behind it, `health` first: a request for a function still
 * loading waits for it, and the stack is ready as soon as `health` answers instead of after the last
 * module. Modules load one after another because each one's Deno.serve call is attributed to the
 * module being loaded.
 */
const names = await discover();
names.sort((a, b) => Number(b === 'health') - Number(a === 'health'));
const pending = new Map<string, Promise<void>>();
let chain = Promise.resolve();
for (const name of names) {
  chain = chain.then(async () => {
    loading = name;
    try {
      await import(`file://${functionsDir}/${name}/index.ts`);
      if (!handlers.has(name)) loadErrors.set(name, 'the module did not call Deno.serve');
    } catch (error) {
      loadErrors.set(name, error instanceof Error ? error.message : String(error));
      console.error(`[functions] ${name} failed to load: ${loadErrors.get(name)}`);
    }
    loading = undefined;
  });
  pending.set(name, chain);
}
void chain.then(() => {
  pending.clear();
  console.log(`[functions] loaded: ${[...handlers.keys()].join(', ') || '(none)'}`);
});

async function verify(request: Request): Promise<Response | undefined> {
  const header = request.headers.get('authorization');
  if (!header) return Response.json({ msg: 'Error: Missing authorization header' }, { status: 401 });
  const token = header.replace(/^Bearer\s+/i, '');
  try {
    if (!gateSecret) throw new Error('no legacy JWT secret to check against');
    await jwtVerify(token, jwtSecret, { algorithms: ['HS256'] });
    return undefined;
  } catch {
    return Response.json({ msg: 'Invalid JWT' }, { status: 401 });
  }
}

realServe({ port, hostname: '127.0.0.1', onListen: () => console.log(`[functions] listening on ${port}`) }, async (request, info) => {
  const url = new URL(request.url);
  if (url.pathname === '/_internal/health') return Response.json({ message: 'ok' });
  const name = url.pathname.split('/')[1] ?? '';
  const stillLoading = pending.get(name);
  if (stillLoading) await stillLoading;
  const handler = handlers.get(name);
  if (!handler) {
    if (loadErrors.has(name)) {
      return Response.json({ error: { code: 'function_load_failed', message: `Function ${name} failed to load` } }, { status: 500 });
    }
    return new Response('Function not found', { status: 404, headers: { 'Content-Type': 'text/plain' } });
  }
  if (request.method !== 'OPTIONS' && verifyJwtConfig[name] !== false) {
    const denied = await verify(request);
    if (denied) return denied;
  }
  try {
    return await handler(request, info);
  } catch (error) {
    console.error(`[functions] ${name} threw:`, error);
    return Response.json({ error: { code: 'internal_error', message: 'The function failed unexpectedly' } }, { status: 500 });
  }
});
