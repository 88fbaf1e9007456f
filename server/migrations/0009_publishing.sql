-- Publishing (发布中心): channel accounts, saved channel sets, publications (one per story and
-- account) and their durable jobs. All tenant-owned, guarded by row-level security like 0001.

create table publishing_accounts (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  channel text not null check (channel in ('website', 'rss', 'webhook', 'wechat_oa', 'weibo', 'douyin', 'kuaishou', 'bilibili', 'toutiao', 'app')),
  name text not null check (length(name) between 1 and 100),
  -- the unit that runs the account (null: the center itself)
  owner_unit_id uuid references tenants (id),
  status text not null default 'active' check (status in ('active', 'needs_reauth', 'disabled')),
  -- non-secret settings (app id, endpoint URL, safe link domain …)
  settings jsonb not null default '{}',
  -- AES-256-GCM sealed JSON of the credentials (kernel/secrets.ts); never returned by the API
  credentials_sealed text,
  -- the names of the credential fields that are set, so the console can say which are filled
  credential_fields text[] not null default '{}',
  -- a cached platform access token, sealed too
  token_sealed text,
  token_expires_at timestamptz,
  rate_limit_per_minute integer not null default 20 check (rate_limit_per_minute between 1 and 10000),
  last_tested_at timestamptz,
  last_test_ok boolean,
  last_test_message text,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index publishing_accounts_tenant on publishing_accounts (tenant_id, channel, name) where deleted_at is null;

create table publishing_channel_sets (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  name text not null check (length(name) between 1 and 100),
  account_ids uuid[] not null,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  constraint publishing_channel_sets_name unique (tenant_id, name)
);

-- One story on one account: its current state, what version is out there, and its history.
create table publications (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  story_id uuid not null references stories (id),
  account_id uuid not null references publishing_accounts (id),
  channel text not null,
  status text not null check (status in ('queued', 'sending', 'awaiting_platform', 'live', 'failed', 'withdrawn')),
  -- the signed-off version this publication is sending or shows
  version_number integer not null,
  version_hash text not null,
  live_version_number integer,
  url text,
  -- what the adapter keeps between steps (remote ids: media_id, publish_id, weibo id …)
  remote jsonb not null default '{}',
  overrides jsonb not null default '{}',
  -- the platform's own words when it failed, and what to do about it
  error_code text,
  error_message text,
  error_hint text,
  scheduled_at timestamptz,
  live_at timestamptz,
  withdrawn_at timestamptz,
  withdrawal_reason text,
  -- removed | hidden | not_possible (recorded when the channel cannot take it back)
  withdrawal_outcome text,
  -- [{ versionNumber, mode: 'updated' | 'notice', at, url? }]
  corrections jsonb not null default '[]',
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint publications_story_account unique (story_id, account_id)
);
create index publications_tenant_story on publications (tenant_id, story_id);
create index publications_tenant_updated on publications (tenant_id, updated_at desc, id desc);
create index publications_tenant_schedule on publications (tenant_id, (coalesce(scheduled_at, created_at)));

-- The durable work behind publications: claimed with FOR UPDATE SKIP LOCKED under a lease, so
-- a killed worker's job is taken up again once its lease ends. The idempotency key (story
-- version + account + action) makes enqueueing the same work twice a no-op, and is sent to
-- platforms that accept one.
create table publication_jobs (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  publication_id uuid not null references publications (id),
  action text not null check (action in ('publish', 'update', 'withdraw', 'poll')),
  version_number integer not null,
  idempotency_key text not null,
  state text not null default 'pending' check (state in ('pending', 'running', 'done', 'failed', 'cancelled')),
  attempts integer not null default 0,
  run_at timestamptz not null default now(),
  lease_until timestamptz,
  last_error text,
  payload jsonb not null default '{}',
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  constraint publication_jobs_key unique (tenant_id, idempotency_key)
);
create index publication_jobs_due on publication_jobs (run_at) where state in ('pending', 'running');
create index publication_jobs_publication on publication_jobs (publication_id, created_at);

-- Sends per account per minute window, for the per-account rate limit.
create table publishing_send_windows (
  account_id uuid not null references publishing_accounts (id),
  tenant_id uuid not null references tenants (id),
  window_start timestamptz not null,
  sends integer not null default 0,
  primary key (account_id, window_start)
);

alter table publishing_accounts enable row level security;
alter table publishing_accounts force row level security;
create policy publishing_accounts_scope on publishing_accounts using (app_is_system() or tenant_id = any (app_tenant_ids()));
alter table publishing_channel_sets enable row level security;
alter table publishing_channel_sets force row level security;
create policy publishing_channel_sets_scope on publishing_channel_sets using (app_is_system() or tenant_id = any (app_tenant_ids()));
alter table publications enable row level security;
alter table publications force row level security;
create policy publications_scope on publications using (app_is_system() or tenant_id = any (app_tenant_ids()));
alter table publication_jobs enable row level security;
alter table publication_jobs force row level security;
create policy publication_jobs_scope on publication_jobs using (app_is_system() or tenant_id = any (app_tenant_ids()));
alter table publishing_send_windows enable row level security;
alter table publishing_send_windows force row level security;
create policy publishing_send_windows_scope on publishing_send_windows using (app_is_system() or tenant_id = any (app_tenant_ids()));

grant select, insert, update on publishing_accounts, publications, publication_jobs to rongmei_app;
grant select, insert, update, delete on publishing_channel_sets, publishing_send_windows to rongmei_app;
