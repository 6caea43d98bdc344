-- Platform bootstrap, Storage: the `storage` schema as a hosted Supabase project has it before the
-- project's first migration (the storage-api tenant migrations up to fix-search-name-relative-to-prefix):
-- buckets, objects, migrations, the helper functions policies use, owner supabase_storage_admin, and
-- the grants that leave RLS on storage.objects as the only gate. The local Storage server
-- (src/storage) logs in as supabase_storage_admin and runs each operation as the caller's role.
\set ON_ERROR_STOP on

-- ============================================================================================
-- Role: the Storage server's login. It switches to anon / authenticated / service_role through
-- authenticator, and postgres may act as it so that migrations can write policies on its tables.
-- ============================================================================================
alter role supabase_storage_admin with login createrole noinherit;
alter role supabase_storage_admin set search_path = storage;
grant authenticator to supabase_storage_admin;
grant supabase_storage_admin to postgres;

alter schema storage owner to supabase_storage_admin;
grant usage on schema storage to postgres, anon, authenticated, service_role;
grant all on schema storage to postgres;

alter default privileges for role supabase_storage_admin in schema storage
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_storage_admin in schema storage
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_storage_admin in schema storage
  grant all on sequences to postgres, anon, authenticated, service_role;

set role supabase_storage_admin;

-- ============================================================================================
-- Tables
-- ============================================================================================
create table storage.migrations (
  id integer primary key,
  name varchar(100) unique not null,
  hash varchar(40) not null,
  executed_at timestamp default current_timestamp
);

create type storage.buckettype as enum ('STANDARD', 'ANALYTICS', 'VECTOR');

create table storage.buckets (
  id text primary key,
  name text not null,
  owner uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  public boolean default false,
  avif_autodetection boolean default false,
  file_size_limit bigint,
  allowed_mime_types text[],
  owner_id text,
  type storage.buckettype not null default 'STANDARD',
  versioning_status text not null default 'DISABLED'
);
comment on column storage.buckets.owner is 'Field is deprecated, use owner_id instead';
create unique index bname on storage.buckets using btree (name);

create table storage.objects (
  id uuid primary key default gen_random_uuid(),
  bucket_id text,
  name text,
  owner uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  last_accessed_at timestamptz default now(),
  metadata jsonb,
  path_tokens text[] generated always as (string_to_array(name, '/')) stored,
  version text,
  owner_id text,
  user_metadata jsonb,
  archived_at timestamptz,
  is_delete_marker boolean not null default false,
  is_versioned boolean not null default false,
  constraint "objects_bucketId_fkey" foreign key (bucket_id) references storage.buckets (id)
);
comment on column storage.objects.owner is 'Field is deprecated, use owner_id instead';
create unique index bucketid_objname on storage.objects using btree (bucket_id, name);
create index name_prefix_search on storage.objects using btree (name text_pattern_ops);
create index idx_objects_bucket_id_name on storage.objects (bucket_id, name collate "C");
create index idx_objects_bucket_id_name_lower on storage.objects (bucket_id, (lower(name)) collate "C");

alter table storage.migrations enable row level security;
alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;

-- The tenant migrations this schema corresponds to (the first and the last applied).
insert into storage.migrations (id, name, hash) values
  (0, 'create-migrations-table', md5('create-migrations-table')::varchar(40)),
  (63, 'fix-search-name-relative-to-prefix', md5('fix-search-name-relative-to-prefix')::varchar(40));

-- ============================================================================================
-- Triggers
-- ============================================================================================
create or replace function storage.update_updated_at_column() returns trigger
language plpgsql as $$
begin
  new.updated_at = now();
  return new;
end;
$$;
create trigger update_objects_updated_at before update on storage.objects
  for each row execute function storage.update_updated_at_column();

create or replace function storage.enforce_bucket_name_length() returns trigger
language plpgsql as $$
begin
  if length(new.name) > 100 then
    raise exception 'bucket name "%" is too long (% characters). Max is 100.', new.name, length(new.name);
  end if;
  return new;
end;
$$;
create trigger enforce_bucket_name_length_trigger before insert or update of name on storage.buckets
  for each row execute function storage.enforce_bucket_name_length();

create or replace function storage.protect_delete() returns trigger
language plpgsql as $$
begin
  if coalesce(current_setting('storage.allow_delete_query', true), 'false') <> 'true' then
    raise exception 'Direct deletion from storage tables is not allowed. Use the Storage API instead.'
      using hint = 'This prevents accidental data loss from orphaned objects.', errcode = '42501';
  end if;
  return null;
end;
$$;
create trigger protect_buckets_delete before delete on storage.buckets
  for each statement execute function storage.protect_delete();
create trigger protect_objects_delete before delete on storage.objects
  for each statement execute function storage.protect_delete();

-- ============================================================================================
-- Helper functions for policies (storage-api's current definitions)
-- ============================================================================================
create or replace function storage.foldername(name text) returns text[]
language plpgsql immutable as $$
declare
  _parts text[];
begin
  select string_to_array(name, '/') into _parts;
  return _parts[1 : array_length(_parts, 1) - 1];
end;
$$;

create or replace function storage.filename(name text) returns text
language plpgsql immutable as $$
declare
  _parts text[];
begin
  select string_to_array(name, '/') into _parts;
  return _parts[array_length(_parts, 1)];
end;
$$;

create or replace function storage.extension(name text) returns text
language plpgsql immutable as $$
declare
  _parts text[];
  _filename text;
begin
  select string_to_array(name, '/') into _parts;
  select _parts[array_length(_parts, 1)] into _filename;
  return reverse(split_part(reverse(_filename), '.', 1));
end;
$$;

create or replace function storage.operation() returns text
language plpgsql stable as $$
begin
  return current_setting('storage.operation', true);
end;
$$;

create or replace function storage.allow_only_operation(expected_operation text) returns boolean
language plpgsql stable as $$
begin
  return coalesce(current_setting('storage.operation', true), '') = expected_operation;
end;
$$;

create or replace function storage.allow_any_operation(expected_operations text[]) returns boolean
language plpgsql stable as $$
begin
  return coalesce(current_setting('storage.operation', true), '') = any (expected_operations);
end;
$$;

create or replace function storage.get_size_by_bucket() returns table (size bigint, bucket_id text)
language plpgsql stable as $$
begin
  return query
    select sum((o.metadata ->> 'size')::bigint)::bigint as size, o.bucket_id
      from storage.objects o
     group by o.bucket_id;
end;
$$;

-- The listing behind POST /object/list/{bucket}: entries one level below `prefix` whose name starts
-- with prefix || search (case-insensitive), names relative to the prefix, folders as rows with null
-- id/metadata. SECURITY INVOKER: only rows the caller may select count, folders included.
create or replace function storage.search(
  prefix text,
  bucketname text,
  limits int default 100,
  levels int default 1,
  offsets int default 0,
  search text default '',
  sortcolumn text default 'name',
  sortorder text default 'asc'
) returns table (
  name text,
  id uuid,
  updated_at timestamptz,
  created_at timestamptz,
  last_accessed_at timestamptz,
  metadata jsonb
)
language plpgsql stable as $$
#variable_conflict use_column
declare
  v_prefix text := coalesce(prefix, '');
  v_desc boolean := lower(coalesce(sortorder, 'asc')) = 'desc';
  v_column text := case when sortcolumn in ('updated_at', 'created_at', 'last_accessed_at') then sortcolumn else 'name' end;
begin
  -- One level below the prefix is what the Storage API asks for; no level, no entries.
  if coalesce(levels, 1) < 1 then
    return;
  end if;
  if v_prefix <> '' and right(v_prefix, 1) <> '/' then
    v_prefix := v_prefix || '/';
  end if;
  return query
    with matched as (
      select substr(o.name, char_length(v_prefix) + 1) as rest, o.id as object_id, o.updated_at as object_updated_at,
             o.created_at as object_created_at, o.last_accessed_at as object_accessed_at, o.metadata as object_metadata
        from storage.objects o
       where o.bucket_id = bucketname
         and starts_with(lower(o.name), lower(v_prefix || coalesce(search, '')))
    ), entries as (
      select distinct split_part(m.rest, '/', 1) as entry, null::uuid as entry_id, null::timestamptz as entry_updated_at,
             null::timestamptz as entry_created_at, null::timestamptz as entry_accessed_at, null::jsonb as entry_metadata, true as is_folder
        from matched m
       where position('/' in m.rest) > 0
      union all
      select m.rest, m.object_id, m.object_updated_at, m.object_created_at, m.object_accessed_at, m.object_metadata, false
        from matched m
       where position('/' in m.rest) = 0 and m.rest <> ''
    )
    select e.entry, e.entry_id, e.entry_updated_at, e.entry_created_at, e.entry_accessed_at, e.entry_metadata
      from entries e
     order by
       -- by name: folders and files interleave; by another column: folders first (by name), then files
       case when v_column <> 'name' then not e.is_folder end asc,
       case when v_column = 'name' and not v_desc then lower(e.entry) collate "C" end asc,
       case when v_column = 'name' and v_desc then lower(e.entry) collate "C" end desc,
       case when v_column <> 'name' and e.is_folder then lower(e.entry) collate "C" end asc,
       case when not v_desc then
         case v_column when 'updated_at' then e.entry_updated_at when 'created_at' then e.entry_created_at
                       when 'last_accessed_at' then e.entry_accessed_at end
       end asc,
       case when v_desc then
         case v_column when 'updated_at' then e.entry_updated_at when 'created_at' then e.entry_created_at
                       when 'last_accessed_at' then e.entry_accessed_at end
       end desc,
       lower(e.entry) collate "C" asc
     limit least(greatest(coalesce(limits, 100), 1), 1500)
    offset greatest(coalesce(offsets, 0), 0);
end;
$$;

reset role;

-- The grants hosted projects have: every API role may use the tables, RLS decides which rows.
grant all on storage.buckets, storage.objects to anon, authenticated, service_role;
grant all on storage.buckets, storage.objects to postgres with grant option;
grant all on storage.migrations to anon, authenticated, service_role, postgres;
grant all on all functions in schema storage to postgres, anon, authenticated, service_role;
