/**
 * Node 20 has no global WebSocket, which supabase-js's realtime client needs at construction time.
 * Browsers, Deno and Node ≥ 22 have one; on Node 20 the tests lend it `ws`.
 */
import WebSocket from 'ws';

if (typeof globalThis.WebSocket === 'undefined') {
  (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
}
