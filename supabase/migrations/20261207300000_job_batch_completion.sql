-- =====================================================================================================
-- Batch completion for job workers: the job-worker function claims its jobs with one
-- private.claim_jobs call and records every success with one private.complete_jobs call, instead of
-- one round trip per job for each. Only the holder of a job's current lease token completes it, as
-- with private.complete_job; a stale claim in the batch is left out (and reported lost by the worker).
-- =====================================================================================================

/**
 * Completes the jobs named in p_completions, a JSON array of {id, lease_token, result}, for the holder
 * of each one's current lease; answers the ids it completed (a stale lease changes nothing).
 */
create function private.complete_jobs(p_completions jsonb)
returns setof uuid
language plpgsql
security definer
set search_path = ''
as $$
begin
  if jsonb_typeof(p_completions) is distinct from 'array' or jsonb_array_length(p_completions) > 1000 then
    raise exception 'complete_jobs: p_completions must be an array of at most 1000 {id, lease_token, result}' using errcode = '22023';
  end if;
  return query
  update private.jobs j
     set status = 'succeeded', result = c.result, finished_at = now(), updated_at = now(),
         lease_token = null, lease_expires_at = null
    from jsonb_to_recordset(p_completions) as c(id uuid, lease_token uuid, result jsonb)
   where j.id = c.id and j.lease_token = c.lease_token and j.status = 'running'
  returning j.id;
end;
$$;
comment on function private.complete_jobs(jsonb) is
  'Completes a batch of jobs ([{id, lease_token, result}]) in one statement, each only for the holder of its current lease token; answers the ids completed.';
revoke execute on function private.complete_jobs(jsonb) from public, anon, authenticated;
grant execute on function private.complete_jobs(jsonb) to service_role;
