-- Public site search at scale (issue 4; measured by bench/site.bench.ts, "search breakdown").
--
-- A search takes, per query word, the SEARCH_CANDIDATES postings with the highest tf
-- (site.store.ts searchArticles: ORDER BY tf DESC LIMIT n). On (tenant_id, term) alone that meant
-- reading every posting of the word and sorting them: a word found in 40% of 10,000 stories cost
-- 4,000 heap reads and a sort, and the cost grows with the site. With tf (and story_id, so the
-- order is total and the scan can answer from the index) in the key, the scan stops after n entries.
create index site_terms_ranked on site_terms (tenant_id, term, tf desc, story_id);
-- Same leading columns: every lookup the old index served, the new one serves.
drop index site_terms_tenant_term;
