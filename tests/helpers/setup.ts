/**
 * Runs before every test file.
 * - Node 20 has no global WebSocket, which supabase-js's realtime client needs at construction time.
 *   Browsers, Deno and Node ≥ 22 have one; on Node 20 the tests lend it `ws`.
 * - Each simulated client (a request naming its address in `X-Forwarded-For`) connects from its own
 *   loopback address, since the gateway believes only the connection (see client-address.ts).
 */
import WebSocket from 'ws';
import { simulateClientAddresses } from './client-address.ts';

if (typeof globalThis.WebSocket === 'undefined') {
  (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
}

simulateClientAddresses();
