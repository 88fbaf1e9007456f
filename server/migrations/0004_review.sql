-- Review (三审三校): per-tenant workflows, review cycles, decisions, proofreading rounds, check
-- overrides and editorial errors (差错). All tenant-owned, guarded by row-level security like 0001.
-- Decisions, rounds and overrides are the signed record: the app role may insert and read them;
-- the only later change is marking a decision invalidated when the story is edited after it.

-- No row: the default workflow 初审 → 复审 → 终审 (see review.machine.ts).
create table review_workflows (
  tenant_id uuid primary key references tenants (id),
  -- [{ key, name, permission, timeLimitHours?, requiresHeadSignoff? }], in order
  stages jsonb not null check (jsonb_typeof(stages) = 'array' and jsonb_array_length(stages) >= 3),
  restart_policy text not null check (restart_policy in ('from_start', 'from_changed_stage')),
  proofread_rounds_required integer not null default 3 check (proofread_rounds_required between 0 and 3),
  updated_by uuid references users (id),
  updated_at timestamptz not null default now()
);

-- One submission of a story: a cycle. It keeps a snapshot of the workflow it was submitted under
-- (changing the workflow affects later submissions only) and where the story is in it.
create table review_cycles (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  story_id uuid not null references stories (id),
  cycle integer not null check (cycle >= 1),
  author_id uuid not null references users (id),
  workflow jsonb not null,
  is_head_signoff_required boolean not null,
  phase text not null check (phase in ('stages', 'proofreading', 'head_signoff', 'signed_off', 'returned', 'rejected', 'withdrawn')),
  -- 0..n-1 the workflow's stages, n the proofreading pseudo-stage, n+1 the head sign-off
  stage_index integer not null check (stage_index >= 0),
  stage_key text not null,
  stage_name text not null,
  -- who may act now (null while proofreading and once closed): the queue filters on it
  stage_permission text,
  stage_entered_at timestamptz not null,
  deadline_at timestamptz,
  proofread_rounds_required integer not null check (proofread_rounds_required >= 0),
  proofread_rounds_done integer not null default 0,
  last_proofreader_id uuid references users (id),
  submitted_by uuid not null references users (id),
  submitted_by_name text not null,
  submitted_at timestamptz not null default now(),
  version_number integer not null,
  version_hash text not null,
  -- the review and hint hits (and the overridden blocks) found on submission, for the reviewers
  rule_set_version text not null,
  check_hits jsonb not null default '[]',
  closed_at timestamptz,
  constraint review_cycles_story_cycle unique (story_id, cycle)
);
create index review_cycles_queue on review_cycles (tenant_id, stage_permission, deadline_at) where closed_at is null;
create index review_cycles_proofreading on review_cycles (tenant_id) where closed_at is null and proofread_rounds_done < proofread_rounds_required;

create table review_decisions (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  story_id uuid not null,
  cycle integer not null,
  stage_index integer not null,
  stage_key text not null,
  stage_name text not null,
  decision text not null check (decision in ('approve', 'return', 'reject')),
  comment text not null default '',
  -- [{ start, end, quote, note }] over the story's body_text
  anchors jsonb not null default '[]',
  user_id uuid not null references users (id),
  -- the name as it was when signing: the record shows who signed, even after a rename
  user_name text not null,
  version_number integer not null,
  version_hash text not null,
  at timestamptz not null default now(),
  -- set when an edit after this approval sent the story back through this stage
  invalidated_at timestamptz,
  invalidated_by_version integer,
  foreign key (story_id, cycle) references review_cycles (story_id, cycle)
);
create index review_decisions_story on review_decisions (story_id, cycle, at);
create index review_decisions_tenant_user on review_decisions (tenant_id, user_id, at);

create table proofread_rounds (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  story_id uuid not null,
  cycle integer not null,
  round integer not null check (round >= 1),
  user_id uuid not null references users (id),
  user_name text not null,
  -- [{ start, end, original, correction, note }]
  marks jsonb not null default '[]',
  comment text not null default '',
  version_number integer not null,
  version_hash text not null,
  at timestamptz not null default now(),
  constraint proofread_rounds_story_round unique (story_id, cycle, round),
  foreign key (story_id, cycle) references review_cycles (story_id, cycle)
);
create index proofread_rounds_tenant on proofread_rounds (tenant_id, at);

-- A reviewer's recorded decision that one blocking hit may stand in one exact version.
create table check_overrides (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  story_id uuid not null references stories (id),
  version_number integer not null,
  version_hash text not null,
  field text not null check (field in ('title', 'body')),
  rule_id text not null,
  start_offset integer not null check (start_offset >= 0),
  end_offset integer not null,
  quote text not null,
  reason text not null check (length(reason) between 5 and 2000),
  user_id uuid not null references users (id),
  user_name text not null,
  at timestamptz not null default now(),
  check (end_offset > start_offset)
);
create index check_overrides_story on check_overrides (story_id, version_hash);
create index check_overrides_tenant on check_overrides (tenant_id);

-- 差错: an error found in review or after publication, and the people answerable for it.
create table editorial_errors (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  story_id uuid not null references stories (id),
  found_stage text not null check (found_stage in ('review', 'post_publication')),
  category text not null,
  severity text not null check (severity in ('severe', 'ordinary')),
  description text not null check (length(description) between 1 and 2000),
  version_number integer not null,
  found_by uuid not null references users (id),
  found_by_name text not null,
  found_at timestamptz not null default now()
);
create index editorial_errors_tenant_found on editorial_errors (tenant_id, found_at);
create index editorial_errors_story on editorial_errors (story_id);

create table editorial_error_people (
  error_id uuid not null references editorial_errors (id),
  tenant_id uuid not null references tenants (id),
  user_id uuid not null references users (id),
  user_name text not null,
  role text not null check (role in ('author', 'reviewer')),
  primary key (error_id, role, user_id)
);
create index editorial_error_people_tenant_user on editorial_error_people (tenant_id, role, user_id);

alter table review_workflows enable row level security;
alter table review_workflows force row level security;
create policy review_workflows_scope on review_workflows
  using (app_is_system() or tenant_id = any (app_tenant_ids()));

alter table review_cycles enable row level security;
alter table review_cycles force row level security;
create policy review_cycles_scope on review_cycles
  using (app_is_system() or tenant_id = any (app_tenant_ids()));

alter table review_decisions enable row level security;
alter table review_decisions force row level security;
create policy review_decisions_scope on review_decisions
  using (app_is_system() or tenant_id = any (app_tenant_ids()));

alter table proofread_rounds enable row level security;
alter table proofread_rounds force row level security;
create policy proofread_rounds_scope on proofread_rounds
  using (app_is_system() or tenant_id = any (app_tenant_ids()));

alter table check_overrides enable row level security;
alter table check_overrides force row level security;
create policy check_overrides_scope on check_overrides
  using (app_is_system() or tenant_id = any (app_tenant_ids()));

alter table editorial_errors enable row level security;
alter table editorial_errors force row level security;
create policy editorial_errors_scope on editorial_errors
  using (app_is_system() or tenant_id = any (app_tenant_ids()));

alter table editorial_error_people enable row level security;
alter table editorial_error_people force row level security;
create policy editorial_error_people_scope on editorial_error_people
  using (app_is_system() or tenant_id = any (app_tenant_ids()));

grant select, insert, update on review_workflows, review_cycles to rongmei_app;
grant select, insert on proofread_rounds, check_overrides, editorial_errors, editorial_error_people to rongmei_app;
grant select, insert on review_decisions to rongmei_app;
-- Only the invalidation marks of a decision may change: what was signed stays as it was.
grant update (invalidated_at, invalidated_by_version) on review_decisions to rongmei_app;
