import assert from 'node:assert/strict';
import { reviewNotice } from './handler.ts';

const reviewed = (reason: string | null) => ({
  account: { id: 'a', name: 'Acme Coaching', status: 'rejected', review_reason: reason },
  owner_email: 'owner@acme.test',
  owner_name: 'Olivia',
});

Deno.test('reviewNotice should tell the owner of a rejection and its reason', () => {
  const notice = reviewNotice('reject', reviewed('Incomplete details'));
  assert.equal(notice.subject, 'Your business account was not approved');
  assert.match(notice.text, /^Hello Olivia,/);
  assert.match(notice.text, /"Acme Coaching" was not approved\./);
  assert.match(notice.text, /Reason: Incomplete details/);
});

Deno.test('reviewNotice should announce an approval without a reason line', () => {
  const notice = reviewNotice('approve', reviewed(null));
  assert.equal(notice.subject, 'Your business account was approved');
  assert.ok(!notice.text.includes('Reason:'));
});
