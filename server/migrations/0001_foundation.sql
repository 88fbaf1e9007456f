-- Foundation: tenants, people, roles, sessions, tokens, settings and the audit log.
-- Tables marked "tenant-owned" carry tenant_id and are guarded by row-level security (RLS):
-- the app role sees a row only when its tenant is in app.tenant_ids, or in the system scope
-- that the identity and audit kernels use for cross-tenant work (sign-in, chain verification).

do $$ begin
  if not exists (select 1 from pg_roles where rolname = 'rongmei_app') then
    create role rongmei_app nologin;
  end if;
end $$;

-- True when the transaction runs in the system scope.
create function app_is_system() returns boolean language sql stable as $$
  select coalesce(current_setting('app.scope', true), '') = 'system'
$$;

-- The tenants the current transaction may see (empty when no scope is set: deny by default).
create function app_tenant_ids() returns uuid[] language sql stable as $$
  select coalesce(nullif(current_setting('app.tenant_ids', true), ''), '{}')::uuid[]
$$;

create table tenants (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text not null check (length(name) between 1 and 100),
  kind text not null check (kind in ('platform', 'center', 'unit')),
  parent_id uuid references tenants (id),
  -- ancestors from the root down to and including this tenant: subtree queries use path @> array[id]
  path uuid[] not null,
  is_disabled boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((kind = 'platform') = (parent_id is null))
);
create index tenants_path_gin on tenants using gin (path);
create index tenants_parent on tenants (parent_id);

create table users (
  id uuid primary key default gen_random_uuid(),
  username text not null check (username ~ '^[a-z0-9][a-z0-9._-]{1,62}$'),
  display_name text not null check (length(display_name) between 1 and 100),
  email text,
  phone text,
  -- the tenant that created the account; administrators of that subtree manage it
  home_tenant_id uuid not null references tenants (id),
  password_hash text not null,
  password_changed_at timestamptz not null default now(),
  must_change_password boolean not null default false,
  totp_secret_enc text,
  totp_enabled_at timestamptz,
  totp_last_step bigint,
  failed_attempts integer not null default 0,
  locked_until timestamptz,
  is_disabled boolean not null default false,
  is_demo boolean not null default false,
  last_login_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index users_username on users (lower(username));
create index users_home_tenant on users (home_tenant_id);

create table password_history (
  id bigint generated always as identity primary key,
  user_id uuid not null references users (id) on delete cascade,
  password_hash text not null,
  created_at timestamptz not null default now()
);
create index password_history_user on password_history (user_id, created_at desc);

-- Built-in roles have tenant_id null; custom roles belong to a tenant (tenant-owned).
create table roles (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid references tenants (id),
  code text not null check (code ~ '^[a-z][a-z0-9_]{1,62}$'),
  name text not null check (length(name) between 1 and 60),
  description text not null default '',
  permissions text[] not null default '{}',
  is_builtin boolean not null default false,
  is_totp_required boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index roles_code on roles (coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid), code);

-- tenant-owned: a role held by a user in a tenant, optionally over its whole subtree.
create table memberships (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  user_id uuid not null references users (id),
  role_id uuid not null references roles (id),
  extends_to_descendants boolean not null default false,
  is_primary boolean not null default false,
  created_at timestamptz not null default now(),
  created_by uuid references users (id),
  unique (tenant_id, user_id, role_id)
);
create index memberships_user on memberships (user_id);
create index memberships_role on memberships (role_id);

create table sessions (
  -- sha256 of the cookie value: a database leak does not hand out live sessions
  id text primary key,
  user_id uuid not null references users (id),
  csrf_token text not null,
  is_mfa_passed boolean not null default false,
  ip text,
  user_agent text,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index sessions_user on sessions (user_id);

create table api_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id),
  tenant_id uuid not null references tenants (id),
  name text not null check (length(name) between 1 and 60),
  token_hash text not null unique,
  prefix text not null,
  scopes text[] not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz
);
create index api_tokens_user on api_tokens (user_id);

-- Platform-wide settings (security policy and the like), edited through the API and audited.
create table settings (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now(),
  updated_by uuid references users (id)
);

-- Append-only, hash-chained. The app role may insert and read; it cannot update or delete.
create table audit_log (
  seq bigint primary key,
  at timestamptz not null,
  tenant_id uuid references tenants (id),
  actor_id uuid references users (id),
  actor_name text,
  action text not null,
  target_type text,
  target_id text,
  outcome text not null check (outcome in ('success', 'failure', 'denied')),
  ip text,
  request_id text,
  details jsonb not null default '{}',
  prev_hash text not null,
  hash text not null
);
create index audit_log_tenant_seq on audit_log (tenant_id, seq desc);
create index audit_log_action on audit_log (action, seq desc);
create index audit_log_actor on audit_log (actor_id, seq desc);
create index audit_log_at on audit_log (at);

-- The head of the chain: appending locks this row, so concurrent appends form one chain, and
-- removing the newest rows is detected because the head still names them.
create table audit_head (
  id boolean primary key default true check (id),
  seq bigint not null,
  hash text not null
);
insert into audit_head (seq, hash) values (0, repeat('0', 64));

create function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end $$;
create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function audit_log_is_append_only();

-- Row-level security.
alter table memberships enable row level security;
alter table memberships force row level security;
create policy memberships_scope on memberships
  using (app_is_system() or tenant_id = any (app_tenant_ids()));

alter table roles enable row level security;
alter table roles force row level security;
create policy roles_scope on roles
  using (app_is_system() or tenant_id is null or tenant_id = any (app_tenant_ids()))
  with check (app_is_system() or tenant_id = any (app_tenant_ids()));

alter table api_tokens enable row level security;
alter table api_tokens force row level security;
create policy api_tokens_scope on api_tokens
  using (app_is_system() or tenant_id = any (app_tenant_ids()));

alter table audit_log enable row level security;
alter table audit_log force row level security;
create policy audit_log_read on audit_log for select
  using (app_is_system() or tenant_id = any (app_tenant_ids()));
create policy audit_log_append on audit_log for insert with check (true);

grant usage on schema public to rongmei_app;
grant select, insert, update, delete on tenants, users, password_history, roles, memberships,
  sessions, api_tokens, settings to rongmei_app;
grant select, insert on audit_log to rongmei_app;
grant select on schema_migrations to rongmei_app;
grant select, update on audit_head to rongmei_app;
grant usage on all sequences in schema public to rongmei_app;
grant execute on function app_is_system(), app_tenant_ids() to rongmei_app;
