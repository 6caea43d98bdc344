/** What the benchmarks report about the machine: clock ticks for /proc CPU times, the CPU and its load. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

let ticks: number | undefined;

/** Kernel clock ticks per second (/proc/<pid>/stat counts CPU time in them). */
export function clockTicks(): number {
  ticks ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  return ticks;
}

/** Total CPU time of all cores so far (user + nice + system + irq + softirq) and idle time, in seconds. */
function machineCpu(): { busy: number; idle: number } {
  const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
  const f = cpu!.trim().split(/\s+/).slice(1).map(Number);
  return { busy: (f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!) / clockTicks(), idle: (f[3]! + f[4]!) / clockTicks() };
}

/** A one-line description of the machine: CPU model, cores, memory, load averages. */
export function machine(): string {
  const cpus = os.cpus();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${os.release()}, Node ${process.version}; load average ${load} (1/5/15 min)`;
}

/** Measures how busy the whole machine was while `run` ran (other users' work included), in cores. */
export async function withMachineLoad<T>(run: () => Promise<T>): Promise<{ result: T; busyCores: number }> {
  const before = machineCpu();
  const started = performance.now();
  const result = await run();
  const after = machineCpu();
  return { result, busyCores: (after.busy - before.busy) / ((performance.now() - started) / 1000) };
}
