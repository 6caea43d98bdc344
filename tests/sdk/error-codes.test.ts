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

  it("maps each Edge Function to the codes it answers: its own, its shared files' and its SQL calls'", () => {
    const functions = /export interface FunctionErrorCodes \{([\s\S]*?)\n\}/.exec(render())?.[1] ?? '';
    const codesOf = (name: string) => new RegExp(`^  '${name}': (.*);$`, 'm').exec(functions)?.[1] ?? '';
    // Its own HttpError and the private SQL function it calls (use_tool raises price_changed).
    expect(codesOf('use-tool')).toContain("'tool_unavailable'");
    expect(codesOf('use-tool')).toContain("'price_changed'");
    // A shared file it imports (request.ts refuses other methods).
    expect(codesOf('payments')).toContain("'method_not_allowed'");
    // SQL codes the functions' ErrorCode does not know are answered by their status, so left out.
    expect(codesOf('accounts-review')).not.toContain("'note_required'");
    expect(codesOf('health')).not.toContain("'insufficient_points'");
  });
});
