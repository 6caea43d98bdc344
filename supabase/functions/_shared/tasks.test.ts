import assert from 'node:assert/strict';
import { addTask, parseCsv, summariseCsv, TaskInputError } from './tasks.ts';

Deno.test('parseCsv reads quoted fields, doubled quotes, CRLF and a missing final newline', () => {
  assert.deepEqual(parseCsv('a,b\r\n"x, y","say ""hi"""\n1,2'), [
    ['a', 'b'],
    ['x, y', 'say "hi"'],
    ['1', '2'],
  ]);
});

Deno.test('parseCsv refuses an unclosed quote as bad input', () => {
  assert.throws(() => parseCsv('a\n"open'), TaskInputError);
});

Deno.test('summariseCsv counts only numeric cells', () => {
  const summary = summariseCsv('\uFEFFv,w\n1,x\n2.5,\n-1e1,3\n');
  assert.equal(summary.rows, 3);
  assert.deepEqual(summary.columns[0], { name: 'v', numeric: 3, sum: -6.5, mean: -6.5 / 3, min: -10, max: 2.5 });
  assert.deepEqual(summary.columns[1], { name: 'w', numeric: 1, sum: 3, mean: 3, min: 3, max: 3 });
});

Deno.test('addTask refuses non-numbers as bad input', () => {
  assert.deepEqual(addTask({ payload: { a: 1, b: 2 } }), { result: 3 });
  assert.throws(() => addTask({ payload: { a: '1', b: 2 } }), TaskInputError);
});
