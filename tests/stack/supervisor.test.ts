/**
 * The supervisor on a service of its own, shaped like tsx: a leader process that starts a child, and
 * the child holds the port. reload() replaces the whole service and is not a crash; a service whose
 * leader dies has its leftovers (the child, still holding the port) killed before it is restarted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Supervisor, type ServiceSpec } from '../../src/stack/supervisor.ts';
import { eventually } from '../helpers/eventually.ts';

const SERVER = `
const { spawn } = require('node:child_process');
const port = Number(process.argv[2]);
// The child serves (answering its own pid), the leader only waits: killing the leader alone leaves
// the child holding the port.
spawn(process.execPath, ['-e', \`require('node:http').createServer((q, s) => s.end(String(process.pid))).listen(\${port}, '127.0.0.1')\`], { stdio: 'ignore' });
setInterval(() => {}, 1 << 30);
`;

async function freePort(): Promise<number> {
  const server = net.createServer();
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const served = async (port: number): Promise<string | null> => {
  try {
    return await (await fetch(`http://127.0.0.1:${port}/`)).text();
  } catch {
    return null;
  }
};

let scratch: string | undefined;
let supervisor: Supervisor | undefined;
afterEach(async () => {
  await supervisor?.stopAll(1000);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('supervisor', () => {
  async function start(lines: string[]): Promise<{ port: number }> {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'supervisor-'));
    const script = path.join(scratch, 'server.cjs');
    writeFileSync(script, SERVER);
    const port = await freePort();
    supervisor = new Supervisor(scratch, (line) => lines.push(line));
    const spec: ServiceSpec = {
      name: 'toy',
      command: process.execPath,
      args: [script, String(port)],
      ready: async () => (await served(port)) !== null,
      startTimeoutMs: 10_000,
    };
    await supervisor.start(spec);
    return { port };
  }

  it('reload() replaces the service with a fresh process, and says so instead of reporting a crash', async () => {
    const lines: string[] = [];
    const { port } = await start(lines);
    const before = await served(port);
    await supervisor!.reload('toy', 'changed: server.cjs');
    const after = await served(port);
    expect(after).not.toBeNull();
    expect(after).not.toBe(before);
    expect(lines).toEqual(['[stack] toy reloaded (changed: server.cjs)']);
  });

  it('kills what a dead service left running, so the restart gets its ports back', async () => {
    const lines: string[] = [];
    const { port } = await start(lines);
    const before = await served(port);
    process.kill(supervisor!.pid('toy')!, 'SIGKILL'); // the leader only: its child still holds the port
    await eventually(() => lines.some((line) => line === '[stack] toy is back'), 15_000, 'the service to come back');
    const after = await served(port);
    expect(after).not.toBeNull();
    expect(after).not.toBe(before);
    expect(lines.some((line) => line.includes('failed to restart'))).toBe(false);
  });
});
