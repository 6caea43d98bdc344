/**
 * Start-up faults the local stack must explain: a taken port, a broken migration and missing
 * Postgres binaries each give one clear message and change nothing.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/stack/config.ts';
import { applyMigrationsAndSeed } from '../../src/stack/database.ts';
import { client, stack } from '../helpers/stack.ts';

describe('start-up faults', () => {
  it('a taken port fails with one line naming the port and how to choose another', async () => {
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)));
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'stack-port-'));
    try {
      const result = spawnSync(path.join(projectRoot, 'node_modules', '.bin', 'tsx'), ['src/stack/cli.ts'], {
        cwd: projectRoot,
        encoding: 'utf8',
        env: { ...process.env, STACK_API_PORT: String(port), STACK_DB_PORT: String(port + 1), STACK_DATA_DIR: scratch },
        timeout: 60_000,
      });
      expect(result.status).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`Port ${port} (API gateway) is already in use`);
      expect(lines[0]).toContain('STACK_API_PORT=');
    } finally {
      blocker.close();
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('a failing migration names the file and the SQL error, and changes nothing', async () => {
    const workdir = mkdtempSync(path.join(os.tmpdir(), 'stack-migration-'));
    try {
      cpSync(path.join(projectRoot, 'supabase'), path.join(workdir, 'supabase'), { recursive: true });
      writeFileSync(path.join(workdir, 'supabase', 'migrations', '29991231000000_broken.sql'), 'create table public.should_not_exist (id int);\nselect 1/0;\n');
      expect(() => applyMigrationsAndSeed({ dbUrl: stack.dbUrl, seedPaths: [] }, { seed: false, workdir })).toThrow(
        /^migration supabase\/migrations\/29991231000000_broken\.sql failed: ERROR: division by zero/,
      );
      const { error } = await client(stack.secretKey).from('should_not_exist').select();
      expect(error?.code).toBe('42P01');
    } finally {
      rmSync(workdir, { recursive: true, force: true });
    }
  });

  it('missing Postgres binaries without root give the exact install command', () => {
    const result = spawnSync(
      path.join(projectRoot, 'node_modules', '.bin', 'tsx'),
      ['-e', "import('./src/stack/setup.ts').then(m => m.ensureSystemPackages(() => {}, 1000)).catch(e => { console.error(e.message); process.exit(1) })"],
      { cwd: projectRoot, encoding: 'utf8', env: { ...process.env, STACK_PG_BIN: '/nonexistent/bin' } },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PostgreSQL 15 packages are missing');
    expect(result.stderr).toContain("sudo sh -c 'apt-get update && apt-get install -y postgresql-15'");
  });
});
