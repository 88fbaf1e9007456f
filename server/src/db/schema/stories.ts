import type { Generated } from 'kysely'
import type { NullableTimestamp, Json, JsonArray } from './columns.js'

export type StoryState = 'draft' | 'in_review' | 'returned' | 'rejected' | 'signed_off'
export type StoryKind = 'article' | 'gallery' | 'video' | 'audio' | 'live'
export type StoryVersionReason = 'save' | 'autosave' | 'takeover' | 'restore' | 'import' | 'submit'

export interface StoriesTable {
  id: Generated<string>
  tenant_id: string
  kind: StoryKind
  title: string
  subtitle: Generated<string>
  summary: Generated<string>
  body_html: Generated<string>
  body_text: Generated<string>
  byline: Generated<string>
  source: Generated<string>
  section: Generated<string>
  tags: Generated<string[]>
  cover_asset_id: string | null
  attachments: JsonArray
  is_important: Generated<boolean>
  author_id: string
  state: Generated<StoryState>
  stage_index: number | null
  version_number: number
  version_hash: string
  word_count: Generated<number>
  char_count: Generated<number>
  lock_holder_id: string | null
  lock_expires_at: NullableTimestamp
  created_at: Generated<Date>
  updated_at: Generated<Date>
  submitted_at: NullableTimestamp
  signed_off_at: NullableTimestamp
  deleted_at: NullableTimestamp
}

export interface StoryVersionsTable {
  id: Generated<string>
  tenant_id: string
  story_id: string
  number: number
  kind: StoryKind
  title: string
  subtitle: string
  summary: string
  body_html: string
  byline: string
  source: string
  section: string
  tags: string[]
  cover_asset_id: string | null
  attachments: JsonArray
  is_important: boolean
  hash: string
  reason: StoryVersionReason
  created_by: string
  created_at: Generated<Date>
}

export interface StoryDraftsTable {
  story_id: string
  user_id: string
  tenant_id: string
  base_version: number
  content: Json
  saved_at: Generated<Date>
}

export interface StoryImagesTable {
  id: Generated<string>
  tenant_id: string
  story_id: string
  content_type: string
  data: Uint8Array
  byte_size: number
  sha256: string
  created_by: string
  created_at: Generated<Date>
}

/** Stories, versions, drafts, images (0003_stories.sql). */
export interface StoriesTables {
  stories: StoriesTable
  story_versions: StoryVersionsTable
  story_drafts: StoryDraftsTable
  story_images: StoryImagesTable
}
