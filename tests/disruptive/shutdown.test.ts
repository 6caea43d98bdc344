/**
 * `npm run dev` stops cleanly: SIGTERM (what Ctrl-C's SIGINT also triggers) ends every service it
 * started, leaving no orphan process. Runs a second, throwaway stack on its own ports.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/stack/config.ts';
import { eventually } from '../helpers/eventually.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('stack shutdown', () => {
  it('SIGTERM stops every service of the stack and leaves no orphans', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'stack-shutdown-'));
    const cli = spawn(path.join(projectRoot, 'node_modules', '.bin', 'tsx'), ['src/stack/cli.ts'], {
      cwd: projectRoot,
      env: { ...process.env, STACK_API_PORT: '59321', STACK_DB_PORT: '59322', STACK_MAILBOX_PORT: '59324', STACK_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    cli.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    cli.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => cli.on('exit', (code) => resolve(code)));
    try {
      await eventually(async () => output.includes('Press Ctrl-C to stop.'), 120_000, `the stack to start:\n${output}`);
      const pids = Object.values(JSON.parse(readFileSync(path.join(dataDir, 'pids.json'), 'utf8')) as Record<string, number>);
      expect(pids.length).toBeGreaterThanOrEqual(3); // postgres, postgrest, functions (+ auth, mailbox)
      expect(pids.every(alive)).toBe(true);

      cli.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('stopping all services');
      expect(pids.filter(alive)).toEqual([]);
      expect((await fetch('http://127.0.0.1:59321/functions/v1/health').catch(() => null))?.status).toBeUndefined();
    } finally {
      if (cli.exitCode === null) cli.kill('SIGKILL');
      if (existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
