-- Stories (文稿): the story, its immutable versions, per-user autosave drafts and imported images.
-- All tenant-owned, guarded by row-level security like 0001. Versions are append-only: the app
-- role may insert and read them but never change history.

create table stories (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  kind text not null check (kind in ('article', 'gallery', 'video', 'audio', 'live')),
  title text not null check (length(title) between 1 and 200),
  subtitle text not null default '',
  summary text not null default '',
  -- sanitised with the story profile on every write
  body_html text not null default '',
  -- what the checks scan and review anchors point into (htmlToPlainText of body_html)
  body_text text not null default '',
  byline text not null default '',
  source text not null default '',
  section text not null default '',
  tags text[] not null default '{}',
  cover_asset_id uuid,
  attachments jsonb not null default '[]',
  -- 重要信息: the unit's head must sign it off
  is_important boolean not null default false,
  author_id uuid not null references users (id),
  state text not null default 'draft' check (state in ('draft', 'in_review', 'returned', 'rejected', 'signed_off')),
  -- the review stage while in_review (owned by the review module through setReviewState)
  stage_index integer check (stage_index >= 0),
  version_number integer not null check (version_number >= 1),
  version_hash text not null,
  word_count integer not null default 0,
  char_count integer not null default 0,
  -- the edit lock: a lease that ends at lock_expires_at unless renewed
  lock_holder_id uuid references users (id),
  lock_expires_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  submitted_at timestamptz,
  signed_off_at timestamptz,
  deleted_at timestamptz,
  check ((lock_holder_id is null) = (lock_expires_at is null))
);
-- Lists lead with the tenant (see DESIGN.md: scoped queries must keep their index).
create index stories_tenant_updated on stories (tenant_id, updated_at desc, id desc) where deleted_at is null;
create index stories_tenant_author on stories (tenant_id, author_id, updated_at desc) where deleted_at is null;
create index stories_tenant_state on stories (tenant_id, state, updated_at desc) where deleted_at is null;

create table story_versions (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  story_id uuid not null references stories (id),
  number integer not null check (number >= 1),
  kind text not null,
  title text not null,
  subtitle text not null,
  summary text not null,
  body_html text not null,
  byline text not null,
  source text not null,
  section text not null,
  tags text[] not null,
  cover_asset_id uuid,
  attachments jsonb not null,
  is_important boolean not null,
  -- sha256 of the canonical content: what a review decision signs
  hash text not null,
  reason text not null check (reason in ('save', 'autosave', 'takeover', 'restore', 'import', 'submit')),
  created_by uuid not null references users (id),
  created_at timestamptz not null default now(),
  constraint story_versions_story_number unique (story_id, number)
);
create index story_versions_tenant_story on story_versions (tenant_id, story_id, number desc);

-- The working copy of one user's unsaved edits (autosave); a save turns it into a version.
create table story_drafts (
  story_id uuid not null references stories (id),
  user_id uuid not null references users (id),
  tenant_id uuid not null references tenants (id),
  base_version integer not null,
  content jsonb not null,
  saved_at timestamptz not null default now(),
  primary key (story_id, user_id)
);
create index story_drafts_tenant on story_drafts (tenant_id);

-- Images that came with an imported .docx, until the media library takes them over.
create table story_images (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  story_id uuid not null references stories (id),
  content_type text not null check (content_type in ('image/png', 'image/jpeg', 'image/gif', 'image/webp')),
  data bytea not null,
  byte_size integer not null,
  sha256 text not null,
  created_by uuid not null references users (id),
  created_at timestamptz not null default now()
);
create index story_images_tenant_story on story_images (tenant_id, story_id);

alter table stories enable row level security;
alter table stories force row level security;
create policy stories_scope on stories
  using (app_is_system() or tenant_id = any (app_tenant_ids()));

alter table story_versions enable row level security;
alter table story_versions force row level security;
create policy story_versions_scope on story_versions
  using (app_is_system() or tenant_id = any (app_tenant_ids()));

alter table story_drafts enable row level security;
alter table story_drafts force row level security;
create policy story_drafts_scope on story_drafts
  using (app_is_system() or tenant_id = any (app_tenant_ids()));

alter table story_images enable row level security;
alter table story_images force row level security;
create policy story_images_scope on story_images
  using (app_is_system() or tenant_id = any (app_tenant_ids()));

grant select, insert, update on stories to rongmei_app;
grant select, insert on story_versions, story_images to rongmei_app;
grant select, insert, update, delete on story_drafts to rongmei_app;
