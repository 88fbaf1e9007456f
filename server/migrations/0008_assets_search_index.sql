-- Full-text search over assets, scoped by tenant. DESIGN.md's measured trap: with row-level
-- security on, the planner no longer combines the tenant filter with a plain GIN index on the
-- search vector, and a scoped query gets hundreds of times slower. A btree_gin composite index
-- leading with tenant_id lets one index scan answer "this tenant AND these words" whether the
-- tenant comes from the WHERE clause, the policy, or both. bench/assets-search.bench.ts measures it.
-- btree_gin is a trusted extension (PostgreSQL 13+): the database owner may create it; PGlite
-- loads it from @electric-sql/pglite/contrib (server/src/db/database.ts).
create extension if not exists btree_gin;

-- Only live assets are searched (the trash is listed by deletion date, not by words).
create index assets_tenant_search on assets using gin (tenant_id, search) where deleted_at is null;

-- The single-column index served nothing the composite does not.
drop index assets_search;

-- Under row-level security the planner may use a condition inside an index scan only when its
-- function is LEAKPROOF; `tsvector @@ tsquery` (ts_match_vq) is not marked so, which is what makes
-- the words wait until every row of the tenant was read. Marking it needs a superuser: PGlite
-- and a self-run Postgres migrate as one; a managed service (no superuser) skips this, keeps the
-- composite index above, and the benchmark shows what that costs there.
do $$
begin
  if (select rolsuper from pg_roles where rolname = current_user) then
    alter function pg_catalog.ts_match_vq(tsvector, tsquery) leakproof;
  else
    raise notice 'not a superuser: ts_match_vq stays non-leakproof; scoped full-text search filters per tenant instead of by index';
  end if;
end
$$;

-- The policy's functions read and parse the scope setting; written bare they run once per row
-- (a text → uuid[] cast for each of a tenant's 20,000 pictures). Wrapped in a scalar subquery
-- they become an InitPlan evaluated once per query. Same rule, same rows.
alter policy assets_scope on assets
  using ((select app_is_system()) or tenant_id = any ((select app_tenant_ids())::uuid[]));
