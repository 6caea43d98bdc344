-- Tools: what creators may write (and the bad input they are refused), the review workflow, browsing.
begin;
select plan(27);
select tests.mp_fixture();

-- bad input: clear errors, nothing written ------------------------------------------------------
select is(tests.mp_try_as('creator', $$insert into public.tools (name, category, price_points) values ('Free lunch', 'text', 0)$$),
  'error:23514', 'a zero price should be refused');
select is(tests.mp_try_as('creator', $$insert into public.tools (name, category, price_points) values ('Paid to use', 'text', -5)$$),
  'error:23514', 'a negative price should be refused');
select is(tests.mp_try_as('creator', $$insert into public.tools (name, category, price_points, creator_share_percent) values ('Greedy', 'text', 5, 101)$$),
  'error:23514', 'a revenue share above 100 % should be refused');
select is(tests.mp_try_as('creator', $$insert into public.tools (name, category, price_points, creator_share_percent) values ('Generous', 'text', 5, -1)$$),
  'error:23514', 'a negative revenue share should be refused');
select is(tests.mp_try_as('creator', $$insert into public.tools (name, category, price_points) values ('Odd category', 'Not A Slug', 5)$$),
  'error:23514', 'a category that is not a lower-case slug should be refused');
select is(tests.mp_try_as('creator', $$insert into public.tools (name, category, price_points) values (' ', 'text', 5)$$),
  'error:23514', 'a blank name should be refused');
select is(tests.mp_try_as('creator', $$update public.tools set price_points = 0 where id = tests.mp('tool')$$),
  'error:23514', 'editing a price down to zero should be refused');

-- a creator's new tool is a draft of their own ---------------------------------------------------
select tests.mp_do_as('creator', $$insert into public.tools (name, description, category, price_points) values ('Fresh tool', 'Does things', 'data', 8)$$);
select results_eq(
  $$select status::text, creator_id, creator_share_percent from public.tools where name = 'Fresh tool'$$,
  $$values ('draft', tests.mp('creator'), 70)$$,
  'a new tool should be a draft owned by its creator with the default 70 % share');
select tests.mp_register('fresh_tool', (select id from public.tools where name = 'Fresh tool')) as fresh_tool \gset

-- submit ---------------------------------------------------------------------------------------
select is(tests.mp_try_as('other_creator', $$select public.submit_tool(tests.mp('fresh_tool'))$$), 'error:tool_not_found',
  'a creator should not submit someone else''s tool');
select is(tests.mp_try_as('creator', $$select public.submit_tool(tests.mp('tool'))$$), 'error:invalid_status',
  'an approved tool should not be submitted again');
select tests.mp_do_as('creator', $$select public.submit_tool(tests.mp('fresh_tool'))$$);
select is((select status::text from public.tools where id = tests.mp('fresh_tool')), 'pending_review', 'submitting should put the tool up for review');
select is(tests.mp_try_as('creator', $$select public.submit_tool(tests.mp('fresh_tool'))$$), 'rows:1',
  'submitting a pending tool again should answer the tool unchanged (a retry)');

-- review ---------------------------------------------------------------------------------------
select is(tests.mp_try_as('client', $$select public.review_tool(tests.mp('fresh_tool'), 'approve')$$), 'error:forbidden',
  'a client should not review tools');
select is(tests.mp_try_as('creator', $$select public.review_tool(tests.mp('fresh_tool'), 'approve')$$), 'error:forbidden',
  'a creator should not approve their own tool');
select is(tests.mp_try_as('admin', $$select public.review_tool(tests.mp('fresh_tool'), 'reject')$$), 'error:note_required',
  'a rejection should need a note');
select is(tests.mp_try_as('admin', $$select public.review_tool(tests.mp('fresh_tool'), 'publish')$$), 'error:invalid_decision',
  'an unknown decision should be refused');
select is(tests.mp_try_as('admin', $$select public.review_tool(gen_random_uuid(), 'approve')$$), 'error:tool_not_found',
  'reviewing an unknown tool should be refused');
select is(tests.mp_try_as('admin', $$select public.review_tool(tests.mp('draft_tool'), 'approve')$$), 'error:invalid_status',
  'a draft that was never submitted should not be approved');
select is(tests.mp_try_as('anon', $$select 1 from public.tools where id = tests.mp('fresh_tool')$$), 'rows:0',
  'a pending tool should not be visible to anonymous visitors');
select tests.mp_do_as('admin', $$select public.review_tool(tests.mp('fresh_tool'), 'approve', 'Looks good')$$);
select results_eq(
  $$select status::text, reviewed_by, review_note from public.tools where id = tests.mp('fresh_tool')$$,
  $$values ('approved', tests.mp('admin'), 'Looks good')$$,
  'an approval should record the admin and their note');
select is(tests.mp_try_as('anon', $$select 1 from public.tools where id = tests.mp('fresh_tool')$$), 'rows:1',
  'an approved tool should be visible to anonymous visitors');
select is(tests.mp_try_as('admin', $$select public.review_tool(tests.mp('fresh_tool'), 'approve')$$), 'rows:1',
  'approving an approved tool again should answer it unchanged (a retry)');
select tests.mp_do_as('creator', $$update public.tools set description = 'Does more things' where id = tests.mp('fresh_tool')$$);
select is((select status::text from public.tools where id = tests.mp('fresh_tool')), 'approved', 'a creator''s edit should keep an approved tool approved');
select tests.mp_do_as('admin', $$select public.review_tool(tests.mp('fresh_tool'), 'suspend', 'Complaints')$$);
select is(tests.mp_try_as('client', $$select 1 from public.tools where id = tests.mp('fresh_tool')$$), 'rows:0',
  'a suspended tool should disappear from the catalogue');
select tests.mp_do_as('admin', $$select public.review_tool(tests.mp('fresh_tool'), 'reinstate')$$);
select is((select status::text from public.tools where id = tests.mp('fresh_tool')), 'approved', 'reinstating should approve the tool again');

-- browsing -------------------------------------------------------------------------------------
select is(tests.mp_try_as('anon', $$select 1 from public.tools where search @@ websearch_to_tsquery('simple', 'summarises') and id = tests.mp('tool')$$), 'rows:1',
  'full-text search should find an approved tool by a word of its description');
select is(tests.mp_try_as('anon', $$select 1 from public.tools where category = 'language' and id = any (tests.mp_ids('tool', 'other_tool'))$$), 'rows:1',
  'browsing by category should filter tools');

select * from finish();
rollback;
