/**
 * bcrypt off the event loop: a fixed pool of worker threads (one per core) running bcryptjs, so that
 * sign-ins on different cores hash in parallel and the main thread stays free for HTTP and SQL.
 * Passwords longer than 72 bytes never match (Go's bcrypt refuses them; bcryptjs would truncate).
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** bcrypt's input limit in bytes. */
export const BCRYPT_MAX_BYTES = 72;

type Task = { op: 'hash'; password: string; cost: number } | { op: 'compare'; password: string; hash: string };

interface Pending {
  task: Task;
  resolve: (value: string | boolean) => void;
  reject: (error: Error) => void;
}

// The worker is plain JavaScript evaluated from a string so it runs the same under tsx, node and vitest.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcryptPath);
parentPort.on('message', (task) => {
  try {
    const result = task.op === 'hash'
      ? bcrypt.hashSync(task.password, bcrypt.genSaltSync(task.cost))
      : bcrypt.compareSync(task.password, task.hash);
    parentPort.postMessage({ ok: true, result });
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String(error && error.message || error) });
  }
});
`;

/** A pool of bcrypt workers; `close()` ends them. */
export class BcryptPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private closed = false;

  constructor(size = Math.max(1, availableParallelism())) {
    const bcryptPath = createRequire(import.meta.url).resolve('bcryptjs');
    for (let i = 0; i < size; i++) this.idle.push(this.spawn(bcryptPath));
  }

  private spawn(bcryptPath: string): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptPath } });
    worker.unref();
    worker.on('message', (message: { ok: boolean; result?: string | boolean; message?: string }) => {
      const pending = this.busy.get(worker);
      this.busy.delete(worker);
      this.idle.push(worker);
      if (pending) {
        if (message.ok) pending.resolve(message.result!);
        else pending.reject(new Error(message.message));
      }
      this.drain();
    });
    worker.on('error', (error) => {
      const pending = this.busy.get(worker);
      this.busy.delete(worker);
      pending?.reject(error);
      if (!this.closed) {
        this.idle.push(this.spawn(bcryptPath));
        this.drain();
      }
    });
    return worker;
  }

  private run(task: Task): Promise<string | boolean> {
    if (this.closed) return Promise.reject(new Error('bcrypt pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const pending = this.queue.shift()!;
      this.busy.set(worker, pending);
      worker.postMessage(pending.task);
    }
  }

  /**
   * A bcrypt hash of `password` at `cost`, with Go's `$2a$` prefix. bcryptjs writes `$2b$`; the two differ
   * only for inputs over 255 bytes, which the 72-byte limit rules out.
   */
  async hash(password: string, cost: number): Promise<string> {
    const hash = (await this.run({ op: 'hash', password, cost })) as string;
    return hash.replace(/^\$2b\$/, () => '$2a$');
  }

  /** Whether `password` matches `hash`; false for over-long passwords and unparseable hashes. */
  async compare(password: string, hash: string): Promise<boolean> {
    if (Buffer.byteLength(password) > BCRYPT_MAX_BYTES) return false;
    if (!isBcryptHash(hash)) return false;
    return (await this.run({ op: 'compare', password, hash })) as boolean;
  }

  /** Stops all workers. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error('bcrypt pool is closed'));
    await Promise.all([...this.idle, ...this.busy.keys()].map((w) => w.terminate()));
  }
}

/** Whether a string looks like a bcrypt hash (`$2a$`, `$2b$`, `$2y$`, cost 04–31, 53 chars of salt+hash). */
export function isBcryptHash(hash: string): boolean {
  return /^\$2[aby]?\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$/.test(hash);
}
