-- Citizens' messages (留言办理, issue 5): the working-day calendar, the service catalogue and
-- routing rules of each center, tickets with their department assignments, timeline, replies,
-- extensions, alerts and ratings, the knowledge base (咨询问答库) and Open311 API keys.
--
-- Tenancy: a ticket belongs to its center (tenant_id). Departments (units under the center) see a
-- ticket only while they hold a current assignment on it: ticket_assignments is the explicit
-- visibility table and the RLS policies below consult it. Catalogue, settings, templates and the
-- knowledge base are written by the center and readable by the units inside it.

-- True when one of the scope's tenants lies inside the subtree of `ancestor` (or is it).
create function app_is_within(ancestor uuid) returns boolean language sql stable as $$
  select exists (select 1 from tenants t where t.id = any (app_tenant_ids()) and ancestor = any (t.path))
$$;

-- ---------------------------------------------------------------------------------------------
-- Working-day calendar: platform-wide overrides of the weekend rule (official holidays and 调休
-- make-up workdays). A date without a row is a workday from Monday to Friday.
create table calendar_days (
  day date primary key,
  is_workday boolean not null,
  name text not null check (length(name) between 1 and 40),
  updated_at timestamptz not null default now(),
  updated_by uuid references users (id)
);

-- 国务院办公厅关于2026年部分节假日安排的通知 (published November 2025). Every date below was
-- checked against the weekday arithmetic of the notice (statutory days + make-up workdays); the
-- Spring Festival make-up Saturdays (2-14, 2-28) are marked "to verify" against the notice text.
insert into calendar_days (day, is_workday, name) values
  ('2026-01-01', false, '元旦'), ('2026-01-02', false, '元旦'), ('2026-01-03', false, '元旦'),
  ('2026-01-04', true, '元旦调休上班'),
  ('2026-02-14', true, '春节调休上班（待核对）'),
  ('2026-02-15', false, '春节'), ('2026-02-16', false, '春节'), ('2026-02-17', false, '春节'),
  ('2026-02-18', false, '春节'), ('2026-02-19', false, '春节'), ('2026-02-20', false, '春节'),
  ('2026-02-21', false, '春节'), ('2026-02-22', false, '春节'), ('2026-02-23', false, '春节'),
  ('2026-02-28', true, '春节调休上班（待核对）'),
  ('2026-04-04', false, '清明节'), ('2026-04-05', false, '清明节'), ('2026-04-06', false, '清明节'),
  ('2026-05-01', false, '劳动节'), ('2026-05-02', false, '劳动节'), ('2026-05-03', false, '劳动节'),
  ('2026-05-04', false, '劳动节'), ('2026-05-05', false, '劳动节'),
  ('2026-05-09', true, '劳动节调休上班'),
  ('2026-06-19', false, '端午节'), ('2026-06-20', false, '端午节'), ('2026-06-21', false, '端午节'),
  ('2026-09-20', true, '国庆节调休上班'),
  ('2026-09-25', false, '中秋节'), ('2026-09-26', false, '中秋节'), ('2026-09-27', false, '中秋节'),
  ('2026-10-01', false, '国庆节'), ('2026-10-02', false, '国庆节'), ('2026-10-03', false, '国庆节'),
  ('2026-10-04', false, '国庆节'), ('2026-10-05', false, '国庆节'), ('2026-10-06', false, '国庆节'),
  ('2026-10-07', false, '国庆节'),
  ('2026-10-10', true, '国庆节调休上班');

-- ---------------------------------------------------------------------------------------------
-- Per-center settings (clocks per kind, 先审后发, limits); absent keys take the code's defaults.
create table ticket_settings (
  tenant_id uuid primary key references tenants (id),
  config jsonb not null default '{}',
  updated_at timestamptz not null default now(),
  updated_by uuid references users (id)
);

-- The service catalogue (categories of the form, Open311 services).
create table ticket_services (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  code text not null check (code ~ '^[A-Za-z0-9_-]{1,40}$'),
  name text not null check (length(name) between 1 and 60),
  description text not null default '',
  group_name text not null default '',
  keywords text not null default '',
  default_kind text not null default 'help'
    check (default_kind in ('consultation', 'help', 'complaint', 'suggestion', 'report', 'praise')),
  notice text not null default '',
  -- Open311 service definition attributes (code, datatype, required, values…)
  attributes jsonb not null default '[]',
  open311_type text not null default 'realtime' check (open311_type in ('realtime', 'batch')),
  sort_order integer not null default 0,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint ticket_services_code unique (tenant_id, code)
);

-- category (+ optional place keyword) → department; the dispatcher confirms the suggestion.
create table ticket_routing_rules (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  service_id uuid not null references ticket_services (id),
  place_keyword text check (length(place_keyword) between 1 and 40),
  department_id uuid not null references tenants (id),
  priority integer not null default 0,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index ticket_routing_rules_tenant on ticket_routing_rules (tenant_id, service_id);

create table reply_templates (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  name text not null check (length(name) between 1 and 60),
  body text not null check (length(body) between 1 and 5000),
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint reply_templates_name unique (tenant_id, name)
);

-- ---------------------------------------------------------------------------------------------
create table tickets (
  id uuid primary key default gen_random_uuid(),
  -- the public number (Open311 service_request_id)
  number bigint generated always as identity unique,
  tenant_id uuid not null references tenants (id),
  lookup_code text not null unique,
  channel text not null check (channel in ('web', 'open311', 'staff')),
  kind text not null check (kind in ('consultation', 'help', 'complaint', 'suggestion', 'report', 'praise')),
  is_urgent boolean not null default false,
  -- shown on the public list of replies (举报 never is; the dispatcher may hide others)
  is_public boolean not null default true,
  service_id uuid not null references ticket_services (id),
  title text not null check (length(title) between 1 and 100),
  body text not null check (length(body) between 1 and 4000),
  address text not null default '',
  lat double precision check (lat between -90 and 90),
  long double precision check (long between -180 and 180),
  citizen_name text not null default '',
  citizen_phone text not null default '',
  is_name_public boolean not null default false,
  consent_version text,
  consent_at timestamptz,
  citizen_email text,
  device_id text,
  account_id text,
  media_url text,
  attributes jsonb not null default '{}',
  -- distinct search terms of the masked title and text (duplicate suggestions, public search)
  terms text[] not null default '{}',
  state text not null default 'submitted' check (state in (
    'submitted', 'accepted', 'rejected', 'routed', 'signed_for', 'in_progress', 'returned',
    'reply_review', 'replied', 'closed', 'merged')),
  state_note text not null default '',
  suggested_department_id uuid references tenants (id),
  lead_department_id uuid references tenants (id),
  merged_into_id uuid references tickets (id),
  reopen_count integer not null default 0,
  -- clocks: due = end of the Nth working day after the anchor date (Asia/Shanghai)
  clock_anchor date not null,
  sign_for_anchor date not null,
  sign_for_days integer not null check (sign_for_days >= 0),
  first_response_days integer not null check (first_response_days >= 0),
  final_days integer not null check (final_days >= 0),
  extension_days integer not null default 0 check (extension_days >= 0),
  sign_for_due_at timestamptz not null,
  first_response_due_at timestamptz not null,
  final_due_at timestamptz not null,
  signed_for_at timestamptz,
  first_response_at timestamptz,
  replied_at timestamptz,
  published_at timestamptz,
  closed_at timestamptz,
  -- when the overdue scan must look at this ticket next (null: nothing pending)
  next_check_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((lat is null) = (long is null))
);
-- The overdue scan reads only the rows that are due: cheap at any number of open tickets.
create index tickets_next_check on tickets (next_check_at) where next_check_at is not null;
create index tickets_tenant_created on tickets (tenant_id, created_at desc, id desc);
create index tickets_tenant_state on tickets (tenant_id, state, created_at desc, id desc);
create index tickets_tenant_phone on tickets (tenant_id, citizen_phone, created_at desc);
create index tickets_tenant_published on tickets (tenant_id, published_at desc, id desc)
  where published_at is not null and is_public;
create index tickets_terms on tickets using gin (terms);
create index tickets_merged_into on tickets (merged_into_id) where merged_into_id is not null;

-- Who handles a ticket: the lead department (主办) and co-departments (协办). A department sees
-- a ticket exactly while it holds a current (ended_at is null) assignment.
create table ticket_assignments (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  ticket_id uuid not null references tickets (id),
  department_id uuid not null references tenants (id),
  role text not null check (role in ('lead', 'co')),
  assigned_at timestamptz not null default now(),
  assigned_by uuid references users (id),
  signed_for_at timestamptz,
  signed_for_by uuid references users (id),
  ended_at timestamptz,
  end_reason text check (end_reason in ('returned', 'reassigned')),
  end_note text not null default ''
);
create unique index ticket_assignments_current on ticket_assignments (ticket_id, department_id) where ended_at is null;
create index ticket_assignments_department on ticket_assignments (department_id, assigned_at desc) where ended_at is null;

-- True when the scope holds a department with a current assignment on the ticket.
create function app_ticket_visible(ticket uuid) returns boolean language sql stable as $$
  select exists (
    select 1 from ticket_assignments a
    where a.ticket_id = ticket and a.ended_at is null and a.department_id = any (app_tenant_ids()))
$$;

-- The timeline: one row per transition or alert, append-only for the app.
create table ticket_events (
  id bigint generated always as identity primary key,
  tenant_id uuid not null references tenants (id),
  ticket_id uuid not null references tickets (id),
  at timestamptz not null default now(),
  action text not null,
  from_state text,
  to_state text,
  actor_id uuid references users (id),
  actor_name text not null default '',
  department_id uuid references tenants (id),
  note text not null default '',
  -- shown to the citizen on the lookup page
  is_public boolean not null default false,
  details jsonb not null default '{}'
);
create index ticket_events_ticket on ticket_events (ticket_id, id);

create table ticket_replies (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  ticket_id uuid not null references tickets (id),
  department_id uuid not null references tenants (id),
  round integer not null,
  -- the original, for handlers only; public_body is the masked version the public sees
  body text not null check (length(body) between 1 and 10000),
  public_body text not null,
  faq_entry_ids uuid[] not null default '{}',
  template_id uuid references reply_templates (id),
  state text not null check (state in ('pending_review', 'published', 'rejected')),
  author_id uuid not null references users (id),
  author_name text not null,
  created_at timestamptz not null default now(),
  reviewed_by uuid references users (id),
  reviewed_at timestamptz,
  review_note text not null default '',
  published_at timestamptz
);
create index ticket_replies_ticket on ticket_replies (ticket_id, created_at);

create table ticket_extensions (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  ticket_id uuid not null references tickets (id),
  department_id uuid not null references tenants (id),
  days integer not null check (days between 1 and 30),
  reason text not null check (length(reason) between 1 and 500),
  state text not null default 'pending' check (state in ('pending', 'approved', 'denied')),
  requested_by uuid not null references users (id),
  requested_at timestamptz not null default now(),
  decided_by uuid references users (id),
  decided_at timestamptz,
  decision_note text not null default ''
);
create unique index ticket_extensions_pending on ticket_extensions (ticket_id) where state = 'pending';

-- Alerts already raised (reminder, 催办, escalation, auto-close): the scan never repeats one.
create table ticket_alerts (
  tenant_id uuid not null references tenants (id),
  ticket_id uuid not null references tickets (id),
  round integer not null,
  clock text not null check (clock in ('sign_for', 'first_response', 'final', 'rating')),
  stage text not null check (stage in ('reminder', 'overdue', 'escalated', 'auto_close')),
  at timestamptz not null default now(),
  primary key (ticket_id, round, clock, stage)
);

create table ticket_ratings (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  ticket_id uuid not null references tickets (id),
  reply_id uuid not null references ticket_replies (id),
  rating text not null check (rating in ('satisfied', 'basically', 'unsatisfied')),
  comment text not null default '' check (length(comment) <= 500),
  created_at timestamptz not null default now(),
  constraint ticket_ratings_reply unique (reply_id)
);
create index ticket_ratings_ticket on ticket_ratings (ticket_id);

-- Files attached through the media library (issue 6); this module keeps only the references.
create table ticket_attachments (
  tenant_id uuid not null references tenants (id),
  ticket_id uuid not null references tickets (id),
  reply_id uuid references ticket_replies (id),
  asset_id uuid not null,
  position integer not null default 0,
  is_public boolean not null default false,
  primary key (ticket_id, asset_id)
);

-- SMS verification codes of the pluggable verification hook (hashed; short-lived).
create table ticket_phone_codes (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  phone text not null,
  code_hash text not null,
  expires_at timestamptz not null,
  attempts integer not null default 0,
  consumed_at timestamptz,
  created_at timestamptz not null default now()
);
create index ticket_phone_codes_phone on ticket_phone_codes (tenant_id, phone, created_at desc);

-- ---------------------------------------------------------------------------------------------
-- Knowledge base (咨询问答库). Term statistics for BM25 live in faq_terms.
create table faq_entries (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  question text not null check (length(question) between 1 and 200),
  variants text[] not null default '{}',
  answer text not null check (length(answer) between 1 and 10000),
  owner_department_id uuid references tenants (id),
  valid_from date,
  valid_to date,
  is_published boolean not null default true,
  doc_len real not null default 0,
  created_by uuid references users (id),
  updated_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  check (valid_to is null or valid_from is null or valid_to >= valid_from)
);
create index faq_entries_tenant on faq_entries (tenant_id, updated_at desc, id desc) where deleted_at is null;

create table faq_terms (
  tenant_id uuid not null references tenants (id),
  entry_id uuid not null references faq_entries (id) on delete cascade,
  term text not null,
  tf real not null,
  primary key (entry_id, term)
);
create index faq_terms_tenant_term on faq_terms (tenant_id, term);

-- ---------------------------------------------------------------------------------------------
-- Open311 GeoReport v2: API keys per center (sha256 only) and tokens of batch services.
create table open311_keys (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  name text not null check (length(name) between 1 and 60),
  key_hash text not null,
  prefix text not null,
  created_at timestamptz not null default now(),
  created_by uuid references users (id),
  last_used_at timestamptz,
  revoked_at timestamptz,
  constraint open311_keys_hash unique (tenant_id, key_hash)
);

create table open311_tokens (
  token text primary key,
  tenant_id uuid not null references tenants (id),
  ticket_id uuid not null references tickets (id),
  created_at timestamptz not null default now()
);

-- ---------------------------------------------------------------------------------------------
-- Row-level security.
alter table ticket_settings enable row level security;
alter table ticket_settings force row level security;
create policy ticket_settings_read on ticket_settings for select using (app_is_system() or app_is_within(tenant_id));
create policy ticket_settings_write on ticket_settings for all
  using (app_is_system() or tenant_id = any (app_tenant_ids()))
  with check (app_is_system() or tenant_id = any (app_tenant_ids()));

alter table ticket_services enable row level security;
alter table ticket_services force row level security;
create policy ticket_services_read on ticket_services for select using (app_is_system() or app_is_within(tenant_id));
create policy ticket_services_write on ticket_services for all
  using (app_is_system() or tenant_id = any (app_tenant_ids()))
  with check (app_is_system() or tenant_id = any (app_tenant_ids()));

alter table ticket_routing_rules enable row level security;
alter table ticket_routing_rules force row level security;
create policy ticket_routing_rules_scope on ticket_routing_rules
  using (app_is_system() or tenant_id = any (app_tenant_ids()));

alter table reply_templates enable row level security;
alter table reply_templates force row level security;
create policy reply_templates_read on reply_templates for select using (app_is_system() or app_is_within(tenant_id));
create policy reply_templates_write on reply_templates for all
  using (app_is_system() or tenant_id = any (app_tenant_ids()))
  with check (app_is_system() or tenant_id = any (app_tenant_ids()));

alter table tickets enable row level security;
alter table tickets force row level security;
create policy tickets_scope on tickets
  using (app_is_system() or tenant_id = any (app_tenant_ids()) or app_ticket_visible(id));

alter table ticket_assignments enable row level security;
alter table ticket_assignments force row level security;
create policy ticket_assignments_scope on ticket_assignments
  using (app_is_system() or tenant_id = any (app_tenant_ids()) or department_id = any (app_tenant_ids()));

alter table ticket_events enable row level security;
alter table ticket_events force row level security;
create policy ticket_events_scope on ticket_events
  using (app_is_system() or tenant_id = any (app_tenant_ids()) or app_ticket_visible(ticket_id));

alter table ticket_replies enable row level security;
alter table ticket_replies force row level security;
create policy ticket_replies_scope on ticket_replies
  using (app_is_system() or tenant_id = any (app_tenant_ids()) or app_ticket_visible(ticket_id));

alter table ticket_extensions enable row level security;
alter table ticket_extensions force row level security;
create policy ticket_extensions_scope on ticket_extensions
  using (app_is_system() or tenant_id = any (app_tenant_ids()) or app_ticket_visible(ticket_id));

alter table ticket_alerts enable row level security;
alter table ticket_alerts force row level security;
create policy ticket_alerts_scope on ticket_alerts
  using (app_is_system() or tenant_id = any (app_tenant_ids()) or app_ticket_visible(ticket_id));

alter table ticket_ratings enable row level security;
alter table ticket_ratings force row level security;
create policy ticket_ratings_scope on ticket_ratings
  using (app_is_system() or tenant_id = any (app_tenant_ids()) or app_ticket_visible(ticket_id));

alter table ticket_attachments enable row level security;
alter table ticket_attachments force row level security;
create policy ticket_attachments_scope on ticket_attachments
  using (app_is_system() or tenant_id = any (app_tenant_ids()) or app_ticket_visible(ticket_id));

alter table ticket_phone_codes enable row level security;
alter table ticket_phone_codes force row level security;
create policy ticket_phone_codes_scope on ticket_phone_codes
  using (app_is_system() or tenant_id = any (app_tenant_ids()));

-- The knowledge base: the center and every unit inside it read; the center, or the owning
-- department, writes.
alter table faq_entries enable row level security;
alter table faq_entries force row level security;
create policy faq_entries_read on faq_entries for select using (app_is_system() or app_is_within(tenant_id));
create policy faq_entries_insert on faq_entries for insert
  with check (app_is_system() or tenant_id = any (app_tenant_ids()) or owner_department_id = any (app_tenant_ids()));
create policy faq_entries_update on faq_entries for update
  using (app_is_system() or tenant_id = any (app_tenant_ids()) or owner_department_id = any (app_tenant_ids()))
  with check (app_is_system() or tenant_id = any (app_tenant_ids()) or owner_department_id = any (app_tenant_ids()));

alter table faq_terms enable row level security;
alter table faq_terms force row level security;
create policy faq_terms_read on faq_terms for select using (app_is_system() or app_is_within(tenant_id));
create policy faq_terms_write on faq_terms for all
  using (app_is_system() or exists (select 1 from faq_entries e where e.id = faq_terms.entry_id
    and (e.tenant_id = any (app_tenant_ids()) or e.owner_department_id = any (app_tenant_ids()))))
  with check (app_is_system() or exists (select 1 from faq_entries e where e.id = faq_terms.entry_id
    and (e.tenant_id = any (app_tenant_ids()) or e.owner_department_id = any (app_tenant_ids()))));

alter table open311_keys enable row level security;
alter table open311_keys force row level security;
create policy open311_keys_scope on open311_keys
  using (app_is_system() or tenant_id = any (app_tenant_ids()));

alter table open311_tokens enable row level security;
alter table open311_tokens force row level security;
create policy open311_tokens_scope on open311_tokens
  using (app_is_system() or tenant_id = any (app_tenant_ids()));

grant select, insert, update, delete on calendar_days, ticket_settings, ticket_services, ticket_routing_rules,
  reply_templates, faq_terms to rongmei_app;
grant select, insert, update on tickets, ticket_assignments, ticket_replies, ticket_extensions, ticket_phone_codes,
  faq_entries, open311_keys to rongmei_app;
grant select, insert on ticket_events, ticket_alerts, ticket_ratings, ticket_attachments, open311_tokens to rongmei_app;
grant usage on all sequences in schema public to rongmei_app;
grant execute on function app_is_within(uuid), app_ticket_visible(uuid) to rongmei_app;
