/**
 * Starts the stack's child processes, restarts one that dies, and stops them all (whole process
 * groups, so nothing is orphaned). Each child's output goes to `<dataDir>/logs/<name>.log`; a
 * restart is logged to the console too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';

export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  uid?: number;
  gid?: number;
  /** Resolves when the service answers; rejects (or times out) otherwise. */
  ready: () => Promise<boolean>;
  /** How long a start may take before it counts as failed. */
  startTimeoutMs?: number;
}

interface Running {
  spec: ServiceSpec;
  child: ChildProcess;
  log: WriteStream;
  restarts: number;
  /** Set while reload() replaces the process: its exit is expected, not a crash. */
  reloading?: boolean;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Thrown by a readiness check to stop waiting at once (the stack is stopping). */
class StoppingError extends Error {}

/** Polls `check` until it returns true or `timeoutMs` passes (a StoppingError from `check` ends it early). */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await check().catch((error: unknown) => {
      if (error instanceof StoppingError) throw error;
      return false;
    });
    if (ok) return true;
    await sleep(intervalMs);
  }
  return false;
}

/** True when `url` answers with a 2xx status within a second. */
export async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
  await response.body?.cancel();
  return response.ok;
}

export class Supervisor {
  private readonly running = new Map<string, Running>();
  private stopping = false;
  private readonly logDir: string;
  private readonly pidFile: string;

  constructor(
    private readonly dataDir: string,
    private readonly say: (line: string) => void = console.log,
  ) {
    this.logDir = path.join(dataDir, 'logs');
    this.pidFile = path.join(dataDir, 'pids.json');
    mkdirSync(this.logDir, { recursive: true });
  }

  /** Kills process groups a previous run left behind (it was killed with SIGKILL, say). */
  reapOrphans(): void {
    let pids: Record<string, number>;
    try {
      pids = JSON.parse(readFileSync(this.pidFile, 'utf8')) as Record<string, number>;
    } catch {
      return;
    }
    for (const pid of Object.values(pids)) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    writeFileSync(this.pidFile, '{}');
  }

  logPath(name: string): string {
    return path.join(this.logDir, `${name}.log`);
  }

  /** Starts a service and waits until it is ready; throws with the log's tail when it is not. */
  async start(spec: ServiceSpec): Promise<void> {
    if (this.stopping) throw new Error(`${spec.name} not started: the stack is stopping`);
    const log = createWriteStream(this.logPath(spec.name), { flags: 'a' });
    const entry: Running = { spec, log, child: this.spawn(spec, log), restarts: 0 };
    this.running.set(spec.name, entry);
    this.savePids();
    await this.awaitReady(entry);
  }

  private spawn(spec: ServiceSpec, log: WriteStream): ChildProcess {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      uid: spec.uid,
      gid: spec.gid,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on('exit', (code, signal) => this.onExit(spec.name, child, code, signal));
    child.on('error', (error) => log.write(`[supervisor] could not start ${spec.command}: ${error.message}\n`));
    return child;
  }

  private async awaitReady(entry: Running): Promise<void> {
    const timeout = entry.spec.startTimeoutMs ?? 30_000;
    const ok = await waitFor(
      async () => {
        // Given up at once when the stack stops meanwhile (a service started after the stack was usable).
        if (this.stopping) throw new StoppingError();
        // Polled every 20 ms: a start is a few hundred milliseconds, and 100 ms steps added up to a third of it.
        if (entry.child.exitCode !== null) throw new Error('exited');
        return entry.spec.ready();
      },
      timeout,
      20,
    ).catch((error: unknown) => {
      if (error instanceof StoppingError) throw new Error(`${entry.spec.name} not ready: the stack is stopping`);
      throw error;
    });
    if (!ok) {
      throw new Error(`${entry.spec.name} did not become ready within ${timeout / 1000}s; last lines of ${this.logPath(entry.spec.name)}:\n` + tail(this.logPath(entry.spec.name)));
    }
  }

  private onExit(name: string, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    const entry = this.running.get(name);
    if (this.stopping || entry?.child !== child || entry.reloading) return;
    // What the service left running (tsx's node child, say) would hold its port: the group goes too.
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // nothing left
    }
    entry.restarts += 1;
    const delay = Math.min(5000, 200 * 2 ** Math.min(entry.restarts - 1, 5));
    const why = signal ? `signal ${signal}` : `exit code ${code}`;
    this.say(`[stack] ${name} stopped (${why}); restarting in ${delay} ms (restart #${entry.restarts})`);
    entry.log.write(`[supervisor] ${new Date().toISOString()} stopped (${why}); restarting\n`);
    setTimeout(() => {
      if (this.stopping) return;
      entry.child = this.spawn(entry.spec, entry.log);
      this.savePids();
      this.awaitReady(entry).then(
        () => {
          this.say(`[stack] ${name} is back`);
          entry.restarts = 0;
        },
        (error: unknown) => this.say(`[stack] ${name} failed to restart: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`),
      );
    }, delay).unref();
  }

  /**
   * Replaces a running service with a fresh process and waits until it is ready (the dev stack does
   * this when the service's code changes). The gateway holds requests meanwhile.
   */
  async reload(name: string, why: string): Promise<void> {
    const entry = this.running.get(name);
    if (this.stopping || !entry || entry.reloading) return;
    entry.reloading = true;
    try {
      entry.log.write(`[supervisor] ${new Date().toISOString()} reloading: ${why}\n`);
      await stopGroup(entry.child, 2000);
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- stopAll() may set it while stopGroup() waits
      if (this.stopping) return;
      entry.child = this.spawn(entry.spec, entry.log);
      this.savePids();
      await this.awaitReady(entry);
      this.say(`[stack] ${name} reloaded (${why})`);
    } catch (error) {
      this.say(`[stack] ${name} failed to reload: ${(error as Error).message.split('\n')[0]}`);
    } finally {
      entry.reloading = false;
    }
  }

  /** Stops one service for good (until started again); its exit is not a crash. */
  async stop(name: string): Promise<void> {
    const entry = this.running.get(name);
    if (!entry) return;
    entry.reloading = true;
    await stopGroup(entry.child, 10_000);
    entry.log.end();
    this.running.delete(name);
    this.savePids();
  }

  /** The pid of a running service's process (tests kill it to prove restarts). */
  pid(name: string): number | undefined {
    return this.running.get(name)?.child.pid;
  }

  /** `<dataDir>/pids.json`: `{service: pid}` of the running children (tests read it to kill one). */
  private savePids(): void {
    const pids = Object.fromEntries([...this.running.entries()].map(([name, r]) => [name, r.child.pid]));
    try {
      writeFileSync(this.pidFile, JSON.stringify(pids));
    } catch {
      // the data folder was removed under us; nothing to record
    }
  }

  /** Stops every service in reverse start order: SIGTERM to the group, SIGKILL after a grace period. */
  async stopAll(graceMs = 5000): Promise<void> {
    this.stopping = true;
    const entries = [...this.running.values()].reverse();
    for (const entry of entries) {
      await stopGroup(entry.child, graceMs);
      entry.log.end();
    }
    this.running.clear();
    this.savePids();
  }
}

async function stopGroup(child: ChildProcess, graceMs: number): Promise<void> {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = sleep(graceMs).then(() => 'timeout');
  if ((await Promise.race([exited.then(() => 'exited'), timer])) === 'timeout') {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
    await exited;
  }
}

/** The last lines of a log file, for error messages. */
export function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
