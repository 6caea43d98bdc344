/**
 * `npm run dev` stops cleanly: SIGTERM (what Ctrl-C's SIGINT also triggers) ends every service it
 * started, leaving no orphan process. Runs a second, throwaway stack on its own ports.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { internalPorts, projectRoot } from '../../src/stack/config.ts';
import { eventually } from '../helpers/eventually.ts';

/** A base port whose whole block (API, DB, mailbox, its SMTP and the internal ports it implies) is free right now. */
async function freePortBlock(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (;;) {
    const base = 40000 + Math.floor(Math.random() * 200) * 30;
    const ports = [base, base + 1, base + 3, base + 4, ...Object.values(internalPorts(base, [base, base + 1, base + 3, base + 4]))];
    if ((await Promise.all(ports.map(free))).every(Boolean)) return base;
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('stack shutdown', () => {
  it('SIGTERM stops every service of the stack and leaves no orphans', { timeout: 180_000 }, async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'stack-shutdown-'));
    const base = await freePortBlock();
    const cli = spawn(path.join(projectRoot, 'node_modules', '.bin', 'tsx'), ['src/stack/cli.ts'], {
      cwd: projectRoot,
      env: { ...process.env, STACK_API_PORT: String(base), STACK_DB_PORT: String(base + 1), STACK_MAILBOX_PORT: String(base + 3), STACK_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    cli.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    cli.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => cli.on('exit', (code) => resolve(code)));
    try {
      await eventually(
        () => {
          if (cli.exitCode !== null) throw new Error(`the stack exited early:\n${output}`);
          return output.includes('Press Ctrl-C to stop.');
        },
        120_000,
        'the stack to start',
      ).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}\n${output}`);
      });
      const pids = Object.values(JSON.parse(readFileSync(path.join(dataDir, 'pids.json'), 'utf8')) as Record<string, number>);
      expect(pids.length).toBeGreaterThanOrEqual(3); // postgres, postgrest, functions (+ auth, mailbox)
      expect(pids.every(alive)).toBe(true);

      cli.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('stopping all services');
      expect(pids.filter(alive)).toEqual([]);
      expect((await fetch(`http://127.0.0.1:${base}/functions/v1/health`).catch(() => null))?.status).toBeUndefined();
    } finally {
      if (cli.exitCode === null) cli.kill('SIGTERM');
      if (existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
