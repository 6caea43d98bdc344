/**
 * The gateway decides the client's address from the connection alone: every forwarding header the
 * client sent is replaced, and Sb-Forwarded-For counts only from a holder of the secret key.
 * (tests/security/gw-forwarded-for.test.ts attacks the rate limits through the running stack.)
 */
import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import { loadStackConfig } from '../../src/stack/config.ts';
import { clientAddress, FORWARDING_HEADERS, resolveAuthorization, setForwardingHeaders } from '../../src/stack/gateway.ts';

const config = loadStackConfig('test');
const request = (headers: http.IncomingHttpHeaders, remoteAddress = '::ffff:127.0.0.9') => ({ headers, socket: { remoteAddress } }) as unknown as http.IncomingMessage;

const spoofed: http.IncomingHttpHeaders = {
  host: 'api.example.test',
  'x-forwarded-for': '203.0.113.1, 203.0.113.2',
  'x-real-ip': '203.0.113.3',
  forwarded: 'for=203.0.113.4;proto=https',
  'true-client-ip': '203.0.113.5',
  'cf-connecting-ip': '203.0.113.6',
  'x-client-ip': '203.0.113.7',
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'evil.example',
  'sb-forwarded-for': '203.0.113.8',
};

describe('gateway forwarding headers', () => {
  it('replaces every forwarding header with the connection address', () => {
    const req = request(spoofed);
    const headers: http.OutgoingHttpHeaders = { ...req.headers };
    setForwardingHeaders(headers, req, clientAddress(config, req, `Bearer ${config.keys.anonKey}`), '/rest/v1');
    expect(headers['x-forwarded-for']).toBe('127.0.0.9');
    expect(headers['x-real-ip']).toBe('127.0.0.9');
    expect(headers.forwarded).toBe('for=127.0.0.9;host="api.example.test";proto=http');
    expect(headers['x-forwarded-host']).toBe('api.example.test');
    expect(headers['x-forwarded-proto']).toBe('http');
    for (const name of ['true-client-ip', 'cf-connecting-ip', 'x-client-ip', 'sb-forwarded-for']) expect(headers[name]).toBeUndefined();
    expect(FORWARDING_HEADERS).toEqual(expect.arrayContaining(['x-forwarded-for', 'x-real-ip', 'forwarded', 'sb-forwarded-for']));
  });

  it('believes Sb-Forwarded-For only with the secret key or a service_role token', () => {
    const withKey = (apikey: string, authorization?: string) => request({ ...spoofed, apikey, ...(authorization ? { authorization } : {}) });
    const upstream = (apikey: string, authorization?: string) => {
      const check = resolveAuthorization(config, apikey, authorization, 'node', true);
      return check.ok ? check.authorization : undefined;
    };
    expect(clientAddress(config, withKey(config.keys.publishableKey), upstream(config.keys.publishableKey))).toBe('127.0.0.9');
    expect(clientAddress(config, withKey(config.keys.anonKey), upstream(config.keys.anonKey))).toBe('127.0.0.9');
    expect(clientAddress(config, withKey(config.keys.secretKey), upstream(config.keys.secretKey))).toBe('203.0.113.8');
    expect(clientAddress(config, withKey(config.keys.serviceRoleKey), upstream(config.keys.serviceRoleKey))).toBe('203.0.113.8');
    // A forged "service_role" token (wrong signature) proves nothing.
    const head = config.keys.serviceRoleKey.split('.')[0];
    const forged = `${head}.${Buffer.from(JSON.stringify({ role: 'service_role' })).toString('base64url')}.AAAA`;
    expect(clientAddress(config, withKey(config.keys.publishableKey, `Bearer ${forged}`), `Bearer ${forged}`)).toBe('127.0.0.9');
    // Not an address: ignored.
    expect(clientAddress(config, request({ ...spoofed, 'sb-forwarded-for': 'nonsense', apikey: config.keys.secretKey }), undefined)).toBe('127.0.0.9');
  });
});
