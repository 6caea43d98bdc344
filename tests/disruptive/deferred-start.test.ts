/**
 * Storage starts after the rest of the stack is usable (DEFERRED_SERVICES in src/stack/stack.ts): the
 * first Storage request, sent the moment `startStack` returns, is held by the gateway and then
 * answered, as are the first REST, Auth and function requests; and a stack stopped before its
 * deferred start finished leaves no process behind. Runs a second, throwaway stack on ports of its own.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadStackConfig, type StackConfig } from '../../src/stack/config.ts';
import { DEFERRED_SERVICES, startStack } from '../../src/stack/stack.ts';

const STACK_VARIABLES = ['STACK_API_PORT', 'STACK_DB_PORT', 'STACK_MAILBOX_PORT', 'STACK_DATA_DIR', 'STACK_DURABLE'];
const savedEnv = Object.fromEntries(STACK_VARIABLES.map((name) => [name, process.env[name]]));

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `npm run dev`'s configuration 200 ports above the harness's stack, in a folder of its own. */
async function throwawayConfig(dataDir: string): Promise<StackConfig> {
  const base = Number(savedEnv.STACK_API_PORT ?? 55321) + 200;
  process.env.STACK_API_PORT = String(base);
  process.env.STACK_DB_PORT = String(base + 1);
  process.env.STACK_MAILBOX_PORT = String(base + 3);
  process.env.STACK_DATA_DIR = dataDir;
  delete process.env.STACK_DURABLE;
  const config = loadStackConfig('dev');
  const ports = [config.ports.api, config.ports.db, config.ports.mailbox, config.ports.smtp, config.ports.storage, config.ports.gateway, config.ports.rest];
  if (!(await Promise.all(ports.map(portFree))).every(Boolean)) throw new Error(`ports from ${base} are taken`);
  return config;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'stack-deferred-'));

afterAll(() => {
  for (const name of STACK_VARIABLES) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('deferred start', () => {
  it('Storage is among the deferred services', () => {
    expect(DEFERRED_SERVICES).toContain('storage');
  });

  it('answers the first Storage, REST, Auth and function requests sent the moment the start returns', { timeout: 180_000 }, async () => {
    const config = await throwawayConfig(dataDir);
    const stack = await startStack(config, { reset: true, say: () => undefined });
    try {
      const publishable = { apikey: config.keys.publishableKey };
      const [storage, rest, auth, fn] = await Promise.all([
        fetch(`${config.apiUrl}/storage/v1/bucket`, { headers: { apikey: config.keys.secretKey } }),
        fetch(`${config.apiUrl}/rest/v1/tools?select=id&limit=1`, { headers: publishable }),
        fetch(`${config.apiUrl}/auth/v1/token?grant_type=password`, {
          method: 'POST',
          headers: { ...publishable, 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'client@example.test', password: 'demo-password-1' }),
        }),
        fetch(`${config.apiUrl}/functions/v1/health`),
      ]);
      expect(storage.status).toBe(200);
      expect(Array.isArray(await storage.json())).toBe(true);
      expect(rest.status).toBe(200);
      expect(auth.status).toBe(200);
      expect((await auth.json()) as { access_token?: string }).toHaveProperty('access_token');
      expect(fn.status).toBe(200);
      await stack.deferred;
      const pids = JSON.parse(readFileSync(path.join(dataDir, 'pids.json'), 'utf8')) as Record<string, number>;
      expect(alive(pids.storage!)).toBe(true);
    } finally {
      await stack.stop();
    }
  });

  it('stopped while the deferred services still start, leaves none of them running', { timeout: 180_000 }, async () => {
    const config = await throwawayConfig(dataDir);
    const stack = await startStack(config, { say: () => undefined });
    const pids = Object.values(JSON.parse(readFileSync(path.join(dataDir, 'pids.json'), 'utf8')) as Record<string, number>);
    const started = Date.now();
    await stack.stop();
    // The deferred start gives up at once instead of waiting out its 30 s start timeout.
    expect(Date.now() - started).toBeLessThan(15_000);
    await stack.deferred.catch(() => undefined);
    expect(pids.length).toBeGreaterThanOrEqual(6); // postgres, postgrest, mailbox, auth, functions, storage (+ nginx)
    expect(pids.filter(alive)).toEqual([]);
  });
});
