/** The error-code catalogue (src/sdk/error-codes.ts) is generated from its sources and kept current. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OUTPUT, render } from '../../scripts/gen-error-codes.ts';

describe('the error-code catalogue', () => {
  it('matches its sources (run npm run gen:error-codes after adding a code)', () => {
    expect(readFileSync(OUTPUT, 'utf8')).toBe(render());
  });

  it('holds the domain codes callers branch on', () => {
    const text = render();
    for (const code of ['insufficient_points', 'voucher_expired', 'tool_not_found', 'account_not_chosen', 'invalid_credentials']) expect(text).toContain(`'${code}'`);
  });
});
