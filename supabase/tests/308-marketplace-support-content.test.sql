-- Support tickets (users open and reply; admins reply, assign, change status) and site content
-- (admins publish; anyone reads what is published).
begin;
select plan(18);
select tests.mp_fixture();

-- support --------------------------------------------------------------------------------------
select results_eq(
  $$select t.status::text, t.priority::text, m.from_staff, m.author_id from public.support_tickets as t join public.support_messages as m on m.ticket_id = t.id where t.id = tests.mp('ticket_client')$$,
  $$values ('open', 'normal', false, tests.mp('client'))$$,
  'opening a ticket should store it with its first message, from the user');
select is(tests.mp_try_as('anon', $$select public.open_support_ticket('Anonymous', 'Hello')$$), 'error:42501', 'anonymous visitors should not open tickets');
select is(tests.mp_try_as('client', $$select public.open_support_ticket('Hi', 'Too short a subject')$$), 'error:23514', 'a subject under 3 characters should be refused');
select is(tests.mp_try_as('client', $$select public.open_support_ticket('Empty body', '   ')$$), 'error:23514', 'an empty message should be refused');
select is((select count(*)::int from public.support_tickets where user_id = tests.mp('client')), 1, 'a refused ticket should leave nothing behind');

select tests.mp_do_as('admin', $$insert into public.support_messages (ticket_id, body) values (tests.mp('ticket_client'), 'Points are bought or granted.')$$);
select results_eq(
  $$select m.from_staff, t.status::text from public.support_messages as m join public.support_tickets as t on t.id = m.ticket_id where m.ticket_id = tests.mp('ticket_client') order by m.created_at desc, m.from_staff desc limit 1$$,
  $$values (true, 'pending')$$,
  'a staff reply should be marked as such and leave the ticket waiting for the user');
select tests.mp_do_as('client', $$insert into public.support_messages (ticket_id, body) values (tests.mp('ticket_client'), 'Thanks, one more question')$$);
select is((select status::text from public.support_tickets where id = tests.mp('ticket_client')), 'open', 'the user''s reply should reopen the ticket');
select is(tests.mp_try_as('client', $$insert into public.support_messages (ticket_id, body, from_staff) values (tests.mp('ticket_client'), 'I am staff', true)$$),
  'error:42501', 'a user should not pose as staff');
select is(tests.mp_try_as('admin', $$update public.support_tickets set assigned_to = tests.mp('creator') where id = tests.mp('ticket_client')$$),
  'error:invalid_assignee', 'a ticket should be assigned to admins only');
select is(tests.mp_try_as('admin', $$update public.support_tickets set assigned_to = tests.mp('admin'), priority = 'high' where id = tests.mp('ticket_client')$$),
  'rows:1', 'an admin should assign a ticket and change its priority');
select tests.mp_do_as('admin', $$update public.support_tickets set status = 'closed' where id = tests.mp('ticket_client')$$);
select is(tests.mp_try_as('client', $$insert into public.support_messages (ticket_id, body) values (tests.mp('ticket_client'), 'Hello again')$$),
  'error:42501', 'a closed ticket should take no more replies from its user');

-- site content ---------------------------------------------------------------------------------
select isnt((select published_at from public.site_content where id = tests.mp('page_published')), null, 'publishing should stamp published_at');
select is((select published_at from public.site_content where id = tests.mp('page_draft')), null, 'a draft should have no published_at');
select tests.mp_do_as('admin', $$update public.site_content set published = true where id = tests.mp('page_draft')$$);
select isnt((select published_at from public.site_content where id = tests.mp('page_draft')), null, 'publishing a draft later should stamp it then');
select is(tests.mp_try_as('anon', $$select 1 from public.site_content where id = tests.mp('page_draft')$$), 'rows:1', 'published content should be readable by anyone');
select is(tests.mp_try_as('admin', $$insert into public.site_content (slug, title) values ('Not A Slug', 'Bad')$$), 'error:23514', 'a slug must be a lower-case slug');
select is(tests.mp_try_as('admin', $$insert into public.site_content (slug, title) values ('fixture-published', 'Duplicate')$$), 'error:23505', 'slugs should be unique');
select is(tests.mp_try_as('admin', $$insert into public.site_content (slug, title, author_id) values ('planted', 'Planted', tests.mp('client'))$$), 'error:42501',
  'the author should be the admin who writes, not chosen');

select * from finish();
rollback;
