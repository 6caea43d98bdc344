/**
 * `npm run bench storage`: Storage throughput and latency through the gateway, against the same
 * bytes copied and read on the same disk in the same run (the floor any server pays).
 *
 * 1. Upload and download of 1 KB, 1 MB and 20 MB objects (raw bodies, upsert) as a signed-in user in
 *    the private `media` bucket — every upload runs its RLS probe and final write, every download its
 *    SELECT as the user — reported as MB/s and p50/p99 per operation, next to a plain file copy
 *    (`copyFile`) and a direct read (`readFile`) of a file of the same size.
 * 2. 100 concurrent avatar uploads (100 users, one PNG each, all at once): p50/p99 and total time.
 *
 * Targets a running stack: `SUPABASE_URL`, `SUPABASE_SERVICE_ROLE_KEY`, `SUPABASE_JWT_SECRET` (or
 * the dev stack's defaults; `STACK_PROFILE=test` for the test stack). Bench users are created through
 * the admin API with access tokens minted with the JWT secret (sign-ins would measure bcrypt), and
 * deleted afterwards, which also removes their files.
 * Options: `--rounds-1k N` (200), `--rounds-1m N` (40), `--rounds-20m N` (5), `--avatars N` (100).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { loadStackConfig } from '../src/stack/config.ts';
import { signHs256 } from '../src/stack/keys.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const config = loadStackConfig(process.env.STACK_PROFILE === 'test' ? 'test' : 'dev');
const apiUrl = process.env.SUPABASE_URL ?? config.apiUrl;
const serviceKey = process.env.SUPABASE_SERVICE_ROLE_KEY ?? config.keys.serviceRoleKey;
const jwtSecret = process.env.SUPABASE_JWT_SECRET ?? config.keys.jwtSecret;
const storageUrl = `${apiUrl}/storage/v1`;

const SIZES: { label: string; bytes: number; rounds: number }[] = [
  { label: '1 KB', bytes: 1024, rounds: option('rounds-1k', 200) },
  { label: '1 MB', bytes: 1024 * 1024, rounds: option('rounds-1m', 40) },
  { label: '20 MB', bytes: 20 * 1000 * 1000, rounds: option('rounds-20m', 5) },
];
const AVATARS = option('avatars', 100);

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function timed<T>(work: () => Promise<T>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

async function admin(pathname: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<unknown> {
  const response = await fetch(`${apiUrl}/auth/v1${pathname}`, {
    ...init,
    headers: { apikey: serviceKey, authorization: `Bearer ${serviceKey}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  if (!response.ok) throw new Error(`auth admin ${pathname}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

/** A user created through the admin API, with an access token minted like the auth server's. */
async function benchUser(): Promise<{ id: string; token: string }> {
  const user = z
    .object({ id: z.string(), email: z.string() })
    .parse(await admin('/admin/users', { method: 'POST', body: JSON.stringify({ email: `bench-storage-${randomUUID()}@example.test`, email_confirm: true }) }));
  const now = Math.floor(Date.now() / 1000);
  const token = signHs256({ sub: user.id, role: 'authenticated', aud: 'authenticated', iat: now, exp: now + 3600, email: user.email }, jwtSecret);
  return { id: user.id, token };
}

async function expectOk(response: Response, what: string): Promise<Response> {
  if (!response.ok) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return response;
}

function line(cells: string[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(26) : c.padStart(12))).join('');
}

async function main(): Promise<void> {
  const health = await fetch(`${storageUrl}/bucket`, { headers: { apikey: serviceKey, authorization: `Bearer ${serviceKey}` } });
  if (!health.ok) throw new Error(`no Storage API at ${storageUrl} (${health.status}); start the stack first (npm run dev)`);
  const work = await mkdtemp(path.join(tmpdir(), 'bench-storage-'));
  const users: { id: string; token: string }[] = [];
  try {
    const owner = await benchUser();
    users.push(owner);
    const auth = { apikey: serviceKey, authorization: `Bearer ${owner.token}` };

    console.log(`Storage throughput through the gateway (${apiUrl}) vs the same bytes on the same disk\n`);
    console.log(line(['operation', 'MB/s', 'p50 ms', 'p99 ms', 'floor MB/s', 'floor/ours']));
    for (const size of SIZES) {
      const bytes = randomBytes(size.bytes);
      const source = path.join(work, `source-${size.bytes}`);
      await writeFile(source, bytes);
      const key = `${owner.id}/bench-${size.bytes}.bin`;
      const uploads: number[] = [];
      const downloads: number[] = [];
      const copies: number[] = [];
      const reads: number[] = [];
      for (let round = 0; round < size.rounds; round += 1) {
        uploads.push(
          await timed(async () =>
            expectOk(
              await fetch(`${storageUrl}/object/media/${key}`, {
                method: 'POST',
                headers: { ...auth, 'content-type': 'application/octet-stream', 'x-upsert': 'true' },
                body: bytes,
              }),
              'upload',
            ),
          ),
        );
        downloads.push(
          await timed(async () => {
            const response = await expectOk(await fetch(`${storageUrl}/object/media/${key}`, { headers: auth }), 'download');
            const body = Buffer.from(await response.arrayBuffer());
            if (body.length !== size.bytes) throw new Error(`downloaded ${body.length} bytes, expected ${size.bytes}`);
          }),
        );
        const target = path.join(work, `copy-${round}`);
        copies.push(await timed(() => copyFile(source, target)));
        reads.push(await timed(() => readFile(target)));
        await rm(target, { force: true });
      }
      const mbps = (ms: number[]) => size.bytes / 1e6 / (ms.reduce((a, b) => a + b, 0) / ms.length / 1000);
      const row = (what: string, ours: number[], floor: number[]) =>
        console.log(
          line([
            `${what} ${size.label} ×${size.rounds}`,
            mbps(ours).toFixed(1),
            quantile(ours, 0.5).toFixed(2),
            quantile(ours, 0.99).toFixed(2),
            mbps(floor).toFixed(1),
            `${(mbps(floor) / mbps(ours)).toFixed(1)}×`,
          ]),
        );
      row('upload', uploads, copies);
      row('download', downloads, reads);
    }

    console.log(`\n${AVATARS} concurrent avatar uploads (one user each, 20 KB PNG, public bucket, own-folder policy)`);
    for (let i = 0; i < AVATARS; i += 10) users.push(...(await Promise.all(Array.from({ length: Math.min(10, AVATARS - i) }, benchUser))));
    const avatarUsers = users.slice(1);
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'), randomBytes(20 * 1024)]);
    const started = performance.now();
    const latencies = await Promise.all(
      avatarUsers.map((user) =>
        timed(async () =>
          expectOk(
            await fetch(`${storageUrl}/object/avatars/${user.id}/avatar.png`, {
              method: 'POST',
              headers: { apikey: serviceKey, authorization: `Bearer ${user.token}`, 'content-type': 'image/png', 'x-upsert': 'true' },
              body: png,
            }),
            'avatar upload',
          ),
        ),
      ),
    );
    const total = performance.now() - started;
    console.log(
      `  ${avatarUsers.length} uploads in ${total.toFixed(0)} ms: p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms, ` +
        `${((avatarUsers.length / total) * 1000).toFixed(0)} uploads/s`,
    );
  } finally {
    for (const user of users) await admin(`/admin/users/${user.id}`, { method: 'DELETE' }).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
