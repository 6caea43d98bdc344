/**
 * `npm run dev` keeps every commit it acknowledged across a crash, as `supabase start` and hosted do:
 * fsync, synchronous_commit and full_page_writes on. Only the throwaway test cluster, rebuilt on every
 * run, turns them off for speed; STACK_DURABLE=1|0 overrides either. (tests/disruptive/crash-spend.test.ts
 * kills a durable cluster mid-spend and finds every acknowledged spend.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadStackConfig } from '../../src/stack/config.ts';
import { durabilitySettings, postgresService } from '../../src/stack/database.ts';

const saved = process.env.STACK_DURABLE;
afterEach(() => {
  if (saved === undefined) delete process.env.STACK_DURABLE;
  else process.env.STACK_DURABLE = saved;
});

const settingsOf = (args: string[]) => Object.fromEntries(args.filter((_, i) => args[i - 1] === '-c').map((a) => a.split('=') as [string, string]));

describe('database durability', () => {
  it('the dev cluster (npm run dev) starts with fsync, synchronous_commit and full_page_writes on', () => {
    delete process.env.STACK_DURABLE;
    const config = loadStackConfig('dev');
    expect(config.durable).toBe(true);
    // (besides these, the command line also names the folder of the cluster's Unix socket)
    expect(settingsOf(postgresService(config).args)).toMatchObject({ fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on' });
  });

  it('only the throwaway test cluster trades durability for speed', () => {
    delete process.env.STACK_DURABLE;
    expect(settingsOf(durabilitySettings(loadStackConfig('test')))).toEqual({ fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' });
  });

  it('STACK_DURABLE overrides the profile both ways', () => {
    process.env.STACK_DURABLE = '1';
    expect(loadStackConfig('test').durable).toBe(true);
    process.env.STACK_DURABLE = '0';
    expect(loadStackConfig('dev').durable).toBe(false);
  });
});
