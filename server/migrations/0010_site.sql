-- The public site (server-rendered): the rendered articles each center shows, their BM25 term
-- statistics for search, and a per-center revision that tells every server process its page
-- cache is stale. Rows belong to the center whose site shows them (tenant_id); RLS like 0001.

create table site_articles (
  tenant_id uuid not null references tenants (id),
  story_id uuid not null,
  -- the tenant the story came from (the center itself, or one of its units)
  origin_tenant_id uuid not null references tenants (id),
  version_number integer not null check (version_number > 0),
  version_hash text not null,
  title text not null check (length(title) between 1 and 500),
  subtitle text not null default '',
  summary text not null default '',
  -- sanitised again with the website profile before it is stored
  body_html text not null,
  body_text text not null,
  byline text not null default '',
  source text not null default '',
  -- the column (栏目); '' = none
  section text not null default '' check (length(section) <= 50),
  tags text[] not null default '{}',
  -- { url, width, height, alt } or null
  cover jsonb,
  published_at timestamptz not null,
  corrected_at timestamptz,
  correction_note text,
  -- which of the center's own channels carry it: the website (pages, search, sitemap) and the feeds
  is_on_website boolean not null default false,
  is_in_feeds boolean not null default false,
  withdrawn_at timestamptz,
  withdrawal_reason text,
  -- tokens in the document, for BM25's length normalisation
  doc_len integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, story_id)
);
create index site_articles_latest on site_articles (tenant_id, published_at desc, story_id) where is_on_website;
create index site_articles_section on site_articles (tenant_id, section, published_at desc, story_id) where is_on_website;
create index site_articles_feed on site_articles (tenant_id, published_at desc, story_id) where is_in_feeds;
create index site_articles_tags on site_articles using gin (tags) where is_on_website;

-- Term frequencies per article (title and summary weighted above the body); document
-- frequencies are counted at query time over the candidates, as the knowledge base does.
create table site_terms (
  tenant_id uuid not null,
  story_id uuid not null,
  term text not null,
  tf real not null,
  primary key (tenant_id, story_id, term),
  foreign key (tenant_id, story_id) references site_articles (tenant_id, story_id) on delete cascade
);
create index site_terms_tenant_term on site_terms (tenant_id, term);

-- One row per center with a site: bumped in the publishing transaction, read by the page cache.
create table site_state (
  tenant_id uuid primary key references tenants (id),
  revision bigint not null default 0,
  -- the columns that have at least one story on the website, newest activity first
  columns text[] not null default '{}',
  updated_at timestamptz not null default now()
);

-- Plain tenant policies, their functions wrapped in scalar subqueries so the planner evaluates
-- them once per query (an InitPlan) instead of once per row: measured on PGlite, the per-row
-- form cost ~0.13 ms a row, 40 ms to count 300 stories and seconds for a search over 10,000. A
-- unit's story is written to its center's site by the publisher, which widens the transaction's
-- scope to that center for its own statements only (site.publisher.ts).
alter table site_articles enable row level security;
alter table site_articles force row level security;
create policy site_articles_scope on site_articles
  using ((select app_is_system()) or tenant_id = any ((select app_tenant_ids())::uuid[]))
  with check ((select app_is_system()) or tenant_id = any ((select app_tenant_ids())::uuid[]));

alter table site_terms enable row level security;
alter table site_terms force row level security;
create policy site_terms_scope on site_terms
  using ((select app_is_system()) or tenant_id = any ((select app_tenant_ids())::uuid[]))
  with check ((select app_is_system()) or tenant_id = any ((select app_tenant_ids())::uuid[]));

alter table site_state enable row level security;
alter table site_state force row level security;
create policy site_state_scope on site_state
  using ((select app_is_system()) or tenant_id = any ((select app_tenant_ids())::uuid[]))
  with check ((select app_is_system()) or tenant_id = any ((select app_tenant_ids())::uuid[]));

grant select, insert, update on site_articles, site_state to rongmei_app;
grant select, insert, delete on site_terms to rongmei_app;
