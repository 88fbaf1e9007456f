-- Domain events, written in the same transaction as the change they describe and delivered
-- afterwards by the event dispatcher (at-least-once; handlers must be idempotent).
create table outbox_events (
  id bigint generated always as identity primary key,
  tenant_id uuid references tenants (id),
  type text not null check (type ~ '^[a-z][a-z_]*(\.[a-z][a-z_]*)+$'),
  payload jsonb not null default '{}',
  created_at timestamptz not null default now(),
  delivered_at timestamptz,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text
);
create index outbox_events_pending on outbox_events (next_attempt_at) where delivered_at is null;
create index outbox_events_tenant_type on outbox_events (tenant_id, type, id desc);

alter table outbox_events enable row level security;
alter table outbox_events force row level security;
create policy outbox_events_scope on outbox_events
  using (app_is_system() or tenant_id = any (app_tenant_ids()));

grant select, insert, update on outbox_events to rongmei_app;
