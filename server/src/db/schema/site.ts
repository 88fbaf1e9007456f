import type { ColumnType, Generated } from 'kysely'
import type { NullableTimestamp } from './columns.js'

/** A cover picture as stored with a site article. */
export interface SiteCover {
  url: string
  width: number
  height: number
  alt: string
}

export interface SiteArticlesTable {
  tenant_id: string
  story_id: string
  origin_tenant_id: string
  version_number: number
  version_hash: string
  title: string
  subtitle: Generated<string>
  summary: Generated<string>
  body_html: string
  body_text: string
  byline: Generated<string>
  source: Generated<string>
  section: Generated<string>
  tags: Generated<string[]>
  cover: ColumnType<SiteCover | null, string | null, string | null>
  published_at: Date
  corrected_at: NullableTimestamp
  correction_note: string | null
  is_on_website: Generated<boolean>
  is_in_feeds: Generated<boolean>
  withdrawn_at: NullableTimestamp
  withdrawal_reason: string | null
  doc_len: Generated<number>
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface SiteTermsTable {
  tenant_id: string
  story_id: string
  term: string
  tf: number
}

export interface SiteStateTable {
  tenant_id: string
  revision: ColumnType<string, string | number | undefined, string | number>
  columns: Generated<string[]>
  updated_at: Generated<Date>
}

export interface SiteTables {
  site_articles: SiteArticlesTable
  site_terms: SiteTermsTable
  site_state: SiteStateTable
}
