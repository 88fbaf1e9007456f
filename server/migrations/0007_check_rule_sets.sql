-- Per-tenant rule sets of the content checks (三审三校). A tenant's rule set is the platform's
-- built-in rules (code-data in server/src/modules/checks/rules/) plus the tenant's changes:
-- added term rules, disabled built-in rules, severity overrides, allow-list phrases and per-rule
-- exceptions. Every save is a new immutable version; the newest version is the one in force.
-- A tenant without versions of its own uses the nearest ancestor's (a unit its center's).

create table check_rule_sets (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  version integer not null check (version >= 1),
  -- the built-in rule set version the changes were written against (shown in the history)
  base_version text not null,
  changes jsonb not null,
  note text not null default '' check (length(note) <= 200),
  created_by uuid not null references users (id),
  created_by_name text not null,
  created_at timestamptz not null default now(),
  unique (tenant_id, version)
);

alter table check_rule_sets enable row level security;
alter table check_rule_sets force row level security;
create policy check_rule_sets_scope on check_rule_sets
  using (app_is_system() or tenant_id = any (app_tenant_ids()));
-- Descendants read (never write) the sets of their ancestors, which they inherit.
create policy check_rule_sets_inherited on check_rule_sets for select
  using (exists (select 1 from tenants t where t.id = any (app_tenant_ids()) and t.path @> array[check_rule_sets.tenant_id]));

-- Versions are immutable: insert and read only.
grant select, insert on check_rule_sets to rongmei_app;
