/**
 * The SDK needs no WebSocket unless realtime is used: on Node 20 (no global WebSocket) a client is
 * built and used without one. Runs in a child process, since the test setup lends Node 20 `ws`.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('building the SDK without a WebSocket', () => {
  it('works on a runtime with no global WebSocket, and realtime says what it needs only when used', () => {
    const script = `
      import { createClient } from './src/sdk/index.ts';
      if (typeof globalThis.WebSocket !== 'undefined') delete globalThis.WebSocket;
      const kit = createClient('http://127.0.0.1:9', 'key', { auth: { persistSession: false } });
      const { data, error } = await kit.auth.getSession();
      let realtime = 'unused';
      try { kit.supabase.realtime.connect(); realtime = 'connected'; } catch (e) { realtime = String(e.message); }
      console.log(JSON.stringify({ session: data, error, realtime }));
    `;
    const output = execFileSync(`${root}node_modules/.bin/tsx`, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    const result = JSON.parse(output.trim().split('\n').pop()!) as { session: unknown; error: unknown; realtime: string };
    expect(result.session).toBeNull();
    expect(result.error).toBeNull();
    expect(result.realtime).not.toBe('connected');
  });
});
