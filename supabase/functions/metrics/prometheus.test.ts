import assert from 'node:assert/strict';
import { renderPrometheus } from './prometheus.ts';

Deno.test('renderPrometheus writes one HELP and TYPE per family and escapes label values', () => {
  const text = renderPrometheus([
    { family: 'kit_users', name: 'kit_users', kind: 'gauge', help: 'Users by role.', labels: { role: 'client' }, value: 3 },
    { family: 'kit_users', name: 'kit_users', kind: 'gauge', help: 'Users by role.', labels: { role: 'a"b\\c\nd' }, value: 1 },
    { family: 'kit_depth', name: 'kit_depth', kind: 'gauge', help: 'Depth.', labels: {}, value: Infinity },
  ]);
  assert.equal(
    text,
    '# HELP kit_users Users by role.\n# TYPE kit_users gauge\nkit_users{role="client"} 3\nkit_users{role="a\\"b\\\\c\\nd"} 1\n' +
      '# HELP kit_depth Depth.\n# TYPE kit_depth gauge\nkit_depth +Inf\n',
  );
});
