-- Ticket KPIs at scale (issue 5; measured by bench/tickets-kpis.bench.ts at 1,000,000 tickets).
--
-- One department's figures (a center filtering by lead department, or a department user looking at
-- its own) read the period's tickets of that department only. tickets_tenant_created has no
-- department in it: the center's filter read every ticket of the period and threw most away, and
-- a department's own view, with no tenant to start from, read the period of every center. Tenant
-- first, as the row-level-security policy and every store query give it; tickets never routed have
-- no lead department and no place here.
create index tickets_tenant_lead_created on tickets (tenant_id, lead_department_id, created_at)
  where lead_department_id is not null;

-- The policies, same rule and same rows, written so the planner can see through them:
-- - the scope functions read and parse the scope setting; written bare they run once per row (a
--   text → uuid[] cast for each of a center's 460,000 tickets of a year). Wrapped in scalar
--   subqueries they become InitPlans evaluated once per query, as 0008 did for assets;
-- - app_ticket_visible(id) is a SQL function around EXISTS, which Postgres never inlines: each
--   row of a department's view paid a function call (~70 µs on PGlite). Spelled out as the EXISTS
--   it wraps, it becomes a plain subplan probing ticket_assignments_current. The other ticket
--   tables keep the function: they are read a ticket at a time.
alter policy tickets_scope on tickets
  using ((select app_is_system()) or tenant_id = any ((select app_tenant_ids())::uuid[])
    or exists (select 1 from ticket_assignments a
      where a.ticket_id = tickets.id and a.ended_at is null and a.department_id = any ((select app_tenant_ids())::uuid[])));
alter policy ticket_ratings_scope on ticket_ratings
  using ((select app_is_system()) or tenant_id = any ((select app_tenant_ids())::uuid[])
    or exists (select 1 from ticket_assignments a
      where a.ticket_id = ticket_ratings.ticket_id and a.ended_at is null and a.department_id = any ((select app_tenant_ids())::uuid[])));
