-- A custom role may be granted in its tenant and below (users.service checks the membership
-- tenant's path), so units read, never write, the custom roles of their ancestors: the unit's
-- role list shows them and a unit's administrator can grant them.
create policy roles_inherited on roles for select
  using (tenant_id is not null and exists (
    select 1 from tenants t where t.id = any (app_tenant_ids()) and t.path @> array[roles.tenant_id]));
