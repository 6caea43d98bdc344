/**
 * Internal ports never lie in Linux's ephemeral range (32768–60999 by default): there, a connection
 * the stack itself opens (to Postgres, say) can be given one of them as its source port, and the
 * service that should listen on it fails with EADDRINUSE. The public ports keep the Supabase CLI's
 * defaults (54321…) whatever that costs; everything behind the gateway is placed below the range.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EPHEMERAL_PORTS, internalPorts, loadStackConfig } from '../../src/stack/config.ts';

const saved = { ...process.env };
afterEach(() => {
  for (const name of ['STACK_API_PORT', 'STACK_DB_PORT', 'STACK_MAILBOX_PORT']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const inEphemeralRange = (port: number) => port >= 32768 && port <= 60999;

describe('stack ports', () => {
  it('uses the Linux default ephemeral range', () => {
    expect(EPHEMERAL_PORTS).toEqual({ low: 32768, high: 60999 });
  });

  it('never puts an internal port in the ephemeral range, for every valid API port', () => {
    const offenders: string[] = [];
    for (let api = 1; api <= 65535; api += 1) {
      const db = api === 65535 ? 1 : api + 1;
      const mailbox = api >= 65533 ? 3 : api + 3;
      const internal = Object.values(internalPorts(api, [api, db, mailbox]));
      const bad = internal.filter((p) => inEphemeralRange(p) || p < 1024 || p > 65535 || [api, db, mailbox].includes(p));
      if (bad.length > 0 || new Set(internal).size !== internal.length) offenders.push(`${api}: ${internal.join(',')}`);
      if (offenders.length > 5) break;
    }
    expect(offenders).toEqual([]);
  });

  it('keeps the CLI defaults public and moves the internal services below the range (dev and test stack)', () => {
    for (const name of ['STACK_API_PORT', 'STACK_DB_PORT', 'STACK_MAILBOX_PORT']) delete process.env[name];
    const dev = loadStackConfig('dev').ports;
    expect([dev.api, dev.db, dev.mailbox]).toEqual([54321, 54322, 54324]);
    const test = loadStackConfig('test').ports;
    for (const ports of [dev, test]) {
      for (const port of [ports.rest, ports.restAdmin, ports.auth, ports.functions, ports.stripe]) {
        expect(inEphemeralRange(port), `internal port ${port}`).toBe(false);
      }
    }
    // Two stacks on different API ports (npm run dev next to npm test) never share an internal port.
    const devInternal = [dev.rest, dev.restAdmin, dev.auth, dev.functions, dev.stripe];
    expect([test.rest, test.restAdmin, test.auth, test.functions, test.stripe].filter((p) => devInternal.includes(p))).toEqual([]);
  });

  it('does not move the internal ports of a stack whose API port is already below the range', () => {
    process.env.STACK_API_PORT = '22321';
    process.env.STACK_DB_PORT = '22322';
    process.env.STACK_MAILBOX_PORT = '22324';
    const ports = loadStackConfig('test').ports;
    expect([ports.rest, ports.restAdmin, ports.auth, ports.functions, ports.stripe]).toEqual([22340, 22341, 22342, 22343, 22344]);
  });

  it('refuses an API port that is not a port', () => {
    process.env.STACK_API_PORT = '70000';
    expect(() => loadStackConfig('test')).toThrow(/STACK_API_PORT=70000 is not a valid port number/);
  });
});
