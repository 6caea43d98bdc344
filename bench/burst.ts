/**
 * A burst: N requests in flight at once, each on its own already-open connection, for the stampede
 * benchmarks (a count of requests sent together, which wrk — it runs for a duration and sends the
 * next request as soon as an answer arrives — does not do).
 *
 * The earlier stampede used `fetch` with 500 promises: against a Node server that answers `[]` at
 * once, its 500 requests took 0.8 s to the 99th percentile on the development machine, so the figure
 * measured the client (undici building requests and opening 500 connections) about as much as the
 * stack. Here every connection is opened and idle first, every request is serialized to bytes
 * beforehand, and the burst is one `write` per socket in a loop; answers are read by Content-Length
 * (or the end of a chunked body) without a parser. The client's own CPU share over the burst is
 * reported, like wrk's, so a reader sees the load generator was not the limit.
 */
import net from 'node:net';

export interface BurstRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface BurstAnswer {
  status: number;
  body: string;
  /** From the burst's start (all requests are written within a millisecond or two of it). */
  ms: number;
}

export interface BurstResult {
  answers: BurstAnswer[];
  /** From the first write to the last answer. */
  wallMs: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** This process's CPU time over the burst's wall time, in cores. */
  clientCpu: number;
}

function serialize(host: string, request: BurstRequest): Buffer {
  const body = request.body ?? '';
  const lines = [`${request.method} ${request.path} HTTP/1.1`, `Host: ${host}`, ...Object.entries(request.headers).map(([k, v]) => `${k}: ${v}`)];
  if (request.body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

/** Parses one complete HTTP/1.1 answer from `data`, or returns undefined while it is incomplete. */
function complete(data: Buffer): { status: number; body: string } | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const head = data.subarray(0, end).toString('latin1');
  const status = Number(head.slice(9, 12));
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
  const rest = data.subarray(end + 4);
  if (length !== undefined) return rest.length >= Number(length) ? { status, body: rest.subarray(0, Number(length)).toString() } : undefined;
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    if (!rest.subarray(-5).equals(Buffer.from('0\r\n\r\n'))) return undefined;
    let body = '';
    let at = 0;
    for (;;) {
      const lineEnd = rest.indexOf('\r\n', at);
      const size = parseInt(rest.subarray(at, lineEnd).toString(), 16);
      if (!size) break;
      body += rest.subarray(lineEnd + 2, lineEnd + 2 + size).toString();
      at = lineEnd + 2 + size + 2;
    }
    return { status, body };
  }
  return { status, body: rest.toString() };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Opens one connection per request, then sends them all at once and waits for every answer. */
export async function burst(baseUrl: string, requests: BurstRequest[]): Promise<BurstResult> {
  const url = new URL(baseUrl);
  const host = url.host;
  const payloads = requests.map((r) => serialize(host, r));
  const sockets = await Promise.all(
    requests.map(
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect({ host: url.hostname, port: Number(url.port), noDelay: true }, () => resolve(socket));
          socket.once('error', reject);
        }),
    ),
  );
  const answers = new Array<BurstAnswer>(requests.length);
  let started = 0;
  const done = Promise.all(
    sockets.map(
      (socket, i) =>
        new Promise<void>((resolve, reject) => {
          let data: Buffer = Buffer.alloc(0);
          socket.on('data', (chunk: Buffer) => {
            data = data.length ? Buffer.concat([data, chunk]) : chunk;
            const answer = complete(data);
            if (!answer) return;
            answers[i] = { ...answer, ms: performance.now() - started };
            socket.destroy();
            resolve();
          });
          socket.once('error', reject);
          socket.once('close', () => (answers[i] ? resolve() : reject(new Error(`connection ${i} closed before its answer`))));
        }),
    ),
  );
  const cpuBefore = process.cpuUsage();
  started = performance.now();
  for (let i = 0; i < sockets.length; i++) sockets[i]!.write(payloads[i]!);
  await done;
  const wallMs = Math.max(...answers.map((a) => a.ms));
  const cpu = process.cpuUsage(cpuBefore);
  const latencies = answers.map((a) => a.ms).sort((a, b) => a - b);
  return {
    answers,
    wallMs,
    perSecond: (answers.length / wallMs) * 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    clientCpu: (cpu.user + cpu.system) / 1000 / wallMs,
  };
}
