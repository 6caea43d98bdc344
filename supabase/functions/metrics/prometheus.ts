/** Prometheus text exposition format 0.0.4: one HELP and TYPE per family, then its samples. */
import type { Sample } from '../_shared/request-metrics.ts';

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** Renders samples, grouped by family in first-seen order. */
export function renderPrometheus(samples: Sample[]): string {
  const families = new Map<string, Sample[]>();
  for (const sample of samples) {
    const list = families.get(sample.family) ?? [];
    list.push(sample);
    families.set(sample.family, list);
  }
  const lines: string[] = [];
  for (const [family, list] of families) {
    const first = list[0]!;
    lines.push(`# HELP ${family} ${first.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
    lines.push(`# TYPE ${family} ${first.kind}`);
    for (const sample of list) {
      const labels = Object.entries(sample.labels).map(([key, value]) => `${key}="${escapeLabel(value)}"`);
      lines.push(`${sample.name}${labels.length ? `{${labels.join(',')}}` : ''} ${formatValue(sample.value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
