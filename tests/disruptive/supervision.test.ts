/**
 * A killed service comes back: the supervisor restarts it and the next request succeeds; a request sent
 * while it restarts waits for it at the gateway.
 * Disruptive by nature, so the harness runs this folder alone, after every other suite.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually } from '../helpers/db.ts';
import { client, stack } from '../helpers/stack.ts';

const dataDir = process.env.STACK_DATA_DIR;
// Needs the harness's own stack (it reads the pids); against a foreign stack there is nothing to kill.
const local = dataDir ? describe : describe.skip;

function pidOf(service: string): number {
  const pids = JSON.parse(readFileSync(path.join(dataDir!, 'pids.json'), 'utf8')) as Record<string, number>;
  const pid = pids[service];
  if (!pid) throw new Error(`no pid recorded for ${service}`);
  return pid;
}

local('supervision', () => {
  it('restarts PostgREST after it is killed, and the next request succeeds', async () => {
    const before = pidOf('postgrest');
    process.kill(before, 'SIGKILL');
    await eventually(() => pidOf('postgrest') !== before, 10_000, 'a new PostgREST process');
    await eventually(async () => (await fetch(`${stack.url}/rest/v1/`, { headers: { apikey: stack.publishableKey } })).status === 200, 15_000, 'REST to answer');
    const { error } = await client().from('no_such_table').select();
    expect(error?.code).toBe('42P01');
  });

  it('holds a request while the service behind it restarts, instead of answering 502', async () => {
    const before = pidOf('auth');
    // The whole service at once (tsx and the node process it runs): its port closes right away.
    process.kill(-before, 'SIGKILL');
    // No polling: the gateway retries a refused connection, as Kong does, until the new process listens.
    const response = await fetch(`${stack.url}/auth/v1/health`, { headers: { apikey: stack.publishableKey } });
    expect(response.status).toBe(200);
    expect(pidOf('auth')).not.toBe(before);
  });

  it('restarts the functions server after it is killed, and the next request succeeds', async () => {
    const before = pidOf('functions');
    process.kill(before, 'SIGKILL');
    await eventually(() => pidOf('functions') !== before, 10_000, 'a new functions process');
    await eventually(async () => (await fetch(`${stack.url}/functions/v1/health`)).status === 200, 20_000, 'health to answer');
  });
});
