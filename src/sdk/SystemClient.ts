/** Backend-wide calls: the health check (no user needed) and the Prometheus metrics (service role or a platform admin). */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types.ts';
import { type FunctionErrorCodes, type Result } from './errors.ts';
import { functionsError } from './functions.ts';
import { currentUserId } from './session.ts';

export { functionsError } from './functions.ts';

export interface Health {
  status: 'ok' | 'degraded';
  version: string;
  database: 'ok' | 'unreachable';
}

/** One sample of the metrics: name, labels and value. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The metrics as served (Prometheus text) and parsed into samples, with each family's TYPE. */
export interface Metrics {
  text: string;
  types: Record<string, string>;
  samples: MetricSample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;

/**
 * Parses Prometheus text format 0.0.4; throws on a line that is not a comment, TYPE/HELP or sample.
 *
 * @example
 * const { samples } = parsePrometheus('# TYPE up gauge\nup{job="kit"} 1\n');
 */
export function parsePrometheus(text: string): Omit<Metrics, 'text'> {
  const types: Record<string, string> = {};
  const samples: MetricSample[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
      if (type) types[type[1]!] = type[2]!;
      else if (!/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* /.test(line) && /^# (TYPE|HELP)/.test(line)) throw new Error(`line ${index + 1}: malformed ${line}`);
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`line ${index + 1}: not a sample: ${line}`);
    const labels: Record<string, string> = {};
    const body = match[2] ?? '';
    LABEL.lastIndex = 0;
    let consumed = 0;
    for (let label = LABEL.exec(body); label; label = LABEL.exec(body)) {
      labels[label[1]!] = label[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      consumed = LABEL.lastIndex;
    }
    if (consumed !== body.length) throw new Error(`line ${index + 1}: malformed labels: ${line}`);
    const raw = match[3]!;
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    if (Number.isNaN(value) && raw !== 'NaN') throw new Error(`line ${index + 1}: not a number: ${raw}`);
    samples.push({ name: match[1]!, labels, value });
  }
  return { types, samples };
}

export class SystemClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Is the backend up, and can it reach its database?
   *
   * @example
   * const { data, error } = await kit.system.health();
   * if (data?.status === 'ok') console.log(`backend ${data.version} is healthy`);
   */
  health(): Promise<Result<Health, FunctionErrorCodes['health']>>;
  async health(): Promise<Result<Health>> {
    // supabase-js types a failure's error as any.
    const response: { data: Health | null; error: unknown } = await this.supabase.functions.invoke<Health>('health', { method: 'GET' });
    const { data, error } = response;
    if (!error) return { data: data!, error: null };
    return { data: null, error: await functionsError(error) };
  }

  /**
   * The platform's metrics (Prometheus text, parsed). Needs a client created with the secret
   * (service-role) key, or a client signed in as a platform admin (the admin console); signed out
   * gets `unauthorized`, any other user `forbidden`. Never put the secret key in a browser build.
   *
   * @example
   * const { data, error } = await kit.system.metrics();
   * const depth = data?.samples.find((s) => s.name === 'kit_job_queue_depth')?.value;
   */
  metrics(): Promise<Result<Metrics, FunctionErrorCodes['metrics']>>;
  async metrics(): Promise<Result<Metrics>> {
    // supabase-js types a failure's error as any.
    const response: { data: string | null; error: unknown } = await this.supabase.functions.invoke<string>('metrics', { method: 'GET' });
    const { data, error } = response;
    if (error) {
      const failure = await functionsError(error);
      // Signed out, supabase-js sends the publishable key, which the function refuses as `forbidden`;
      // without a session (and without the secret key, which the function accepts) it is `unauthorized`.
      if (failure.code === 'forbidden') {
        const user = await currentUserId(this.supabase);
        if (user.error) return { data: null, error: user.error };
      }
      return { data: null, error: failure };
    }
    const text = typeof data === 'string' ? data : String(data);
    return { data: { text, ...parsePrometheus(text) }, error: null };
  }
}
