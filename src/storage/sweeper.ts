/**
 * Removes bytes no object row points at any more. The clean-up triggers of deleted users and
 * accounts announce each deleted object on `storage_orphans`: its blob goes at once. A sweep at start
 * and every ten minutes catches the rest (rows deleted while the server was down, temporary files
 * of interrupted uploads); files younger than a minute are left alone, their upload may be in flight.
 */
import { readdir, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { Deps } from './context.ts';

const GRACE_MS = 60_000;
const PERIOD_MS = 10 * 60_000;
const DEBOUNCE_MS = 200;

async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

/** One pass: every blob not named by a row (and older than the grace period) is deleted. */
export async function sweepOrphans(deps: Deps): Promise<number> {
  const { rows } = await deps.pool.query<{ bucket_id: string; name: string; version: string }>(
    `select bucket_id, name, version from storage.objects where version ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'`,
  );
  const expected = new Set(rows.map((r) => deps.blobs.pathOf(r.bucket_id, r.name, r.version)));
  const cutoff = Date.now() - GRACE_MS;
  let removed = 0;
  const objects = path.join(deps.blobs.root, 'objects');
  for (const shard of await entries(objects)) {
    for (const digest of await entries(path.join(objects, shard))) {
      const folder = path.join(objects, shard, digest);
      for (const version of await entries(folder)) {
        const file = path.join(folder, version);
        if (expected.has(file)) continue;
        const info = await stat(file).catch(() => undefined);
        if (info && info.mtimeMs < cutoff) {
          await rm(file, { force: true });
          removed += 1;
        }
      }
      await rmdir(folder).catch(() => undefined);
    }
  }
  const tmp = path.join(deps.blobs.root, 'tmp');
  for (const name of await entries(tmp)) {
    const file = path.join(tmp, name);
    const info = await stat(file).catch(() => undefined);
    if (info && info.mtimeMs < Date.now() - 60 * 60_000) await rm(file, { force: true });
  }
  return removed;
}

/** Starts sweeping; returns a stop function. */
export function startSweeper(deps: Deps, log: (line: string) => void): () => Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  let stopped = false;
  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      const removed = await sweepOrphans(deps);
      if (removed) log(`[storage] removed ${removed} orphaned blob(s)`);
    } catch (error) {
      log(`[storage] orphan sweep failed: ${(error as Error).message}`);
    } finally {
      running = false;
      if (again && !stopped) {
        again = false;
        void run();
      }
    }
  };
  const schedule = () => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void run(), DEBOUNCE_MS);
  };
  // A notified blob goes at once, unless a row names that very version again.
  const removeNotified = async (payload: string | undefined) => {
    try {
      const { bucket, name, version } = JSON.parse(payload ?? '') as { bucket: string; name: string; version: string | null };
      if (!version) return;
      const { rowCount } = await deps.pool.query('select 1 from storage.objects where bucket_id = $1 and name = $2 and version = $3', [bucket, name, version]);
      if (!rowCount) await deps.blobs.remove(bucket, name, version);
    } catch {
      schedule();
    }
  };
  const interval = setInterval(() => void run(), PERIOD_MS);
  interval.unref();
  void run();

  const listener = new pg.Client({ ...deps.config.db, application_name: 'local-storage-sweeper' });
  listener.on('error', () => undefined);
  listener.on('notification', (message) => void removeNotified(message.payload));
  listener.connect().then(
    () => listener.query('listen storage_orphans'),
    () => undefined,
  );
  return async () => {
    stopped = true;
    clearTimeout(timer);
    clearInterval(interval);
    await listener.end().catch(() => undefined);
  };
}
