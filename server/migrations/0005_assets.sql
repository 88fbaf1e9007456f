-- Media library (素材中心): originals stored once by content, assets that describe them, where
-- they are used, what tenants share with each other, and collections published to the public archive.

-- Original files, content-addressed: one row per distinct SHA-256, whichever tenants upload it.
-- Holds no tenant data (hash, size, type), so it carries no row-level security; the purge job
-- removes a blob only when no asset row refers to it and it was not touched for a grace period.
create table asset_blobs (
  sha256 text primary key check (sha256 ~ '^[0-9a-f]{64}$'),
  size bigint not null check (size >= 0),
  mime_type text not null,
  storage_key text not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz not null default now()
);
create index asset_blobs_last_used on asset_blobs (last_used_at);

-- tenant-owned: one picture, recording, video or document with its descriptive metadata.
create table assets (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  kind text not null check (kind in ('image', 'audio', 'video', 'document')),
  sha256 text not null references asset_blobs (sha256),
  mime_type text not null,
  size bigint not null check (size >= 0),
  original_name text not null default '',
  title text not null default '' check (length(title) <= 200),
  caption text not null default '' check (length(caption) <= 2000),
  credit text not null default '' check (length(credit) <= 200),
  source text not null default '' check (length(source) <= 200),
  copyright text not null default '' check (length(copyright) <= 200),
  licence text not null default '' check (length(licence) <= 500),
  licence_expires_at timestamptz,
  tags text[] not null default '{}',
  people text[] not null default '{}',
  places text[] not null default '{}',
  shot_at timestamptz,
  width integer,
  height integer,
  duration_ms integer,
  focal_x real not null default 0.5 check (focal_x between 0 and 1),
  focal_y real not null default 0.5 check (focal_y between 0 and 1),
  -- 64-bit difference hash of the picture, for "similar images" by Hamming distance
  phash bigint,
  -- what the file says about itself (camera, orientation, whether it holds GPS, trailing bytes)
  metadata jsonb not null default '{}',
  derivatives_status text not null default 'pending' check (derivatives_status in ('pending', 'ready', 'failed', 'unavailable')),
  derivatives_reason text,
  renditions jsonb not null default '[]',
  -- media facts made in the background: poster, waveform peaks
  media jsonb not null default '{}',
  search tsvector not null default ''::tsvector,
  uploaded_by uuid not null references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  deleted_by uuid references users (id)
);
-- Lists lead with the tenant (passed as a plain parameter as well as through RLS).
create index assets_tenant_created on assets (tenant_id, created_at desc, id desc) where deleted_at is null;
create index assets_tenant_deleted on assets (tenant_id, deleted_at) where deleted_at is not null;
create index assets_search on assets using gin (search);
create index assets_sha256 on assets (sha256);
create index assets_tenant_phash on assets (tenant_id) include (phash) where phash is not null and deleted_at is null;

-- tenant-owned (by the owner): an asset offered to the parent, the children or the whole platform.
create table asset_shares (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  asset_id uuid not null references assets (id) on delete cascade,
  audience text not null check (audience in ('parent', 'children', 'platform')),
  -- the owner's ancestors down to itself: the parent is the second-last element
  owner_path uuid[] not null,
  owner_name text not null,
  -- what the target tenants may see of the asset; they cannot read the assets row itself
  kind text not null,
  title text not null,
  caption text not null,
  credit text not null,
  width integer,
  height integer,
  renditions jsonb not null default '[]',
  created_by uuid not null references users (id),
  created_at timestamptz not null default now(),
  withdrawn_at timestamptz,
  withdrawn_by uuid references users (id)
);
create index asset_shares_asset on asset_shares (asset_id);
create index asset_shares_audience on asset_shares (audience, created_at desc) where withdrawn_at is null;
create unique index asset_shares_open on asset_shares (asset_id, audience) where withdrawn_at is null;

-- tenant-owned (by the user): where an asset is used. The asset's owner sees uses by others too.
create table asset_usages (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  asset_id uuid not null references assets (id) on delete cascade,
  owner_tenant_id uuid not null references tenants (id),
  share_id uuid references asset_shares (id),
  ref_type text not null check (ref_type ~ '^[a-z][a-z_]{1,30}$'),
  ref_id text not null check (length(ref_id) between 1 and 200),
  credit text not null default '',
  -- true while the use is live somewhere public (a publication), so licence expiry matters
  is_live boolean not null default false,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  unique (tenant_id, asset_id, ref_type, ref_id)
);
create index asset_usages_asset on asset_usages (asset_id);
create index asset_usages_owner on asset_usages (owner_tenant_id, asset_id);

-- tenant-owned: per-kind size limits that override the defaults in code.
create table asset_limits (
  tenant_id uuid not null references tenants (id),
  kind text not null check (kind in ('image', 'audio', 'video', 'document')),
  max_bytes bigint not null check (max_bytes > 0),
  updated_at timestamptz not null default now(),
  updated_by uuid references users (id),
  primary key (tenant_id, kind)
);

-- tenant-owned: a resumable upload in progress (chunks are appended to a file on the server).
create table asset_uploads (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  created_by uuid not null references users (id),
  filename text not null,
  declared_type text not null default '',
  size bigint not null check (size > 0),
  received bigint not null default 0,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index asset_uploads_expires on asset_uploads (expires_at);

-- tenant-owned: collections; a public one is shown read-only on the public archive.
create table asset_collections (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  -- tenant slugs never change; kept here so the public archive resolves /archive/{slug} itself
  tenant_slug text not null,
  title text not null check (length(title) between 1 and 100),
  description text not null default '' check (length(description) <= 2000),
  is_public boolean not null default false,
  published_at timestamptz,
  created_by uuid not null references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index asset_collections_tenant on asset_collections (tenant_id, created_at desc);
create index asset_collections_public on asset_collections (tenant_slug) where is_public;

create table asset_collection_items (
  collection_id uuid not null references asset_collections (id) on delete cascade,
  asset_id uuid not null references assets (id) on delete cascade,
  tenant_id uuid not null references tenants (id),
  added_at timestamptz not null default now(),
  primary key (collection_id, asset_id)
);
create index asset_collection_items_asset on asset_collection_items (asset_id);

-- Row-level security.
alter table assets enable row level security;
alter table assets force row level security;
create policy assets_scope on assets
  using (app_is_system() or tenant_id = any (app_tenant_ids()));

-- Shares cross tenants on purpose: the owner sees its own, and an open share is readable by the
-- tenants it was offered to. Only the owner may write.
alter table asset_shares enable row level security;
alter table asset_shares force row level security;
create policy asset_shares_owner on asset_shares
  using (app_is_system() or tenant_id = any (app_tenant_ids()));
create policy asset_shares_offered on asset_shares for select
  using (withdrawn_at is null and (
    audience = 'platform'
    or (audience = 'parent' and owner_path[array_length(owner_path, 1) - 1] = any (app_tenant_ids()))
    or (audience = 'children' and exists (
      select 1 from tenants c where c.parent_id = asset_shares.tenant_id and c.id = any (app_tenant_ids())))));

alter table asset_usages enable row level security;
alter table asset_usages force row level security;
create policy asset_usages_scope on asset_usages
  using (app_is_system() or tenant_id = any (app_tenant_ids()))
  with check (app_is_system() or tenant_id = any (app_tenant_ids()));
-- The owner of an asset sees (never changes) where other tenants use it.
create policy asset_usages_owner on asset_usages for select
  using (owner_tenant_id = any (app_tenant_ids()));

alter table asset_limits enable row level security;
alter table asset_limits force row level security;
create policy asset_limits_scope on asset_limits
  using (app_is_system() or tenant_id = any (app_tenant_ids()));

alter table asset_uploads enable row level security;
alter table asset_uploads force row level security;
create policy asset_uploads_scope on asset_uploads
  using (app_is_system() or tenant_id = any (app_tenant_ids()));

alter table asset_collections enable row level security;
alter table asset_collections force row level security;
create policy asset_collections_scope on asset_collections
  using (app_is_system() or tenant_id = any (app_tenant_ids()));

alter table asset_collection_items enable row level security;
alter table asset_collection_items force row level security;
create policy asset_collection_items_scope on asset_collection_items
  using (app_is_system() or tenant_id = any (app_tenant_ids()));

grant select, insert, update, delete on asset_blobs, assets, asset_shares, asset_usages, asset_limits,
  asset_uploads, asset_collections, asset_collection_items to rongmei_app;
