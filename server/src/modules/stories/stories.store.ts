import { sql, type SqlBool } from 'kysely'
import type { StoryState } from '../../db/schema.js'
import { requireTenantScope, type TenantScope, type Tx } from '../../db/scope.js'
import type { Attachment, StoryContent } from './stories.content.js'

/**
 * SQL of the stories module. A story belongs to one tenant and is worked on while acting in
 * that tenant: every query filters `tenant_id = scope.tenantId` as a plain parameter (row-level
 * security is the second wall), and deleted stories are invisible everywhere.
 */

const storyColumns = [
  'id', 'tenant_id', 'kind', 'title', 'subtitle', 'summary', 'body_html', 'byline', 'source', 'section', 'tags',
  'cover_asset_id', 'attachments', 'is_important', 'author_id', 'state', 'stage_index', 'version_number', 'version_hash',
  'word_count', 'char_count', 'lock_holder_id', 'lock_expires_at', 'created_at', 'updated_at', 'submitted_at', 'signed_off_at',
] as const

/** One story, optionally locked for the rest of the transaction (every write reads it this way first). */
export async function findStory(trx: Tx, scope: TenantScope, storyId: string, { isForUpdate = false } = {}) {
  requireTenantScope(scope)
  let query = trx.selectFrom('stories').select(storyColumns)
    .where('id', '=', storyId).where('tenant_id', '=', scope.tenantId).where('deleted_at', 'is', null)
  if (isForUpdate) query = query.forUpdate()
  return query.executeTakeFirst()
}
export type StoryRow = NonNullable<Awaited<ReturnType<typeof findStory>>>

/** What the review module reads of a story (the plain text its checks and anchors use included). */
export async function findForReview(trx: Tx, scope: TenantScope, storyId: string, { isForUpdate }: { isForUpdate: boolean }) {
  requireTenantScope(scope)
  let query = trx.selectFrom('stories')
    .select(['id', 'tenant_id', 'author_id', 'state', 'stage_index', 'version_number', 'version_hash', 'body_text', 'body_html', 'is_important', 'title'])
    .where('id', '=', storyId).where('tenant_id', '=', scope.tenantId).where('deleted_at', 'is', null)
  if (isForUpdate) query = query.forUpdate()
  return query.executeTakeFirst()
}

/** The content columns of a story or a version row, from the content. */
export function contentColumns(c: StoryContent) {
  return {
    kind: c.kind, title: c.title, subtitle: c.subtitle, summary: c.summary, body_html: c.bodyHtml, byline: c.byline,
    source: c.source, section: c.section, tags: c.tags, cover_asset_id: c.coverAssetId,
    attachments: JSON.stringify(c.attachments), is_important: c.isImportant,
  }
}

/** The content of a story or a version row. */
export function contentOf(row: Pick<StoryRow, 'kind' | 'title' | 'subtitle' | 'summary' | 'body_html' | 'byline' | 'source' | 'section' | 'tags' | 'cover_asset_id' | 'attachments' | 'is_important'>): StoryContent {
  return {
    kind: row.kind, title: row.title, subtitle: row.subtitle, summary: row.summary, bodyHtml: row.body_html, byline: row.byline,
    source: row.source, section: row.section, tags: row.tags, coverAssetId: row.cover_asset_id,
    attachments: row.attachments as Attachment[], isImportant: row.is_important,
  }
}

export interface NewStory {
  id: string
  authorId: string
  content: StoryContent
  bodyText: string
  wordCount: number
  charCount: number
  hash: string
  at: Date
}

export async function insertStory(trx: Tx, scope: TenantScope, s: NewStory): Promise<void> {
  requireTenantScope(scope)
  await trx.insertInto('stories').values({
    id: s.id, tenant_id: scope.tenantId, ...contentColumns(s.content), body_text: s.bodyText, author_id: s.authorId,
    version_number: 1, version_hash: s.hash, word_count: s.wordCount, char_count: s.charCount, created_at: s.at, updated_at: s.at,
  }).execute()
}

/** Makes `number` the story's current content; `at` has millisecond precision so list cursors stay exact. */
export async function updateStoryContent(trx: Tx, scope: TenantScope, storyId: string, u: {
  content: StoryContent; bodyText: string; wordCount: number; charCount: number; number: number; hash: string; at: Date
}): Promise<void> {
  requireTenantScope(scope)
  await trx.updateTable('stories').set({
    ...contentColumns(u.content), body_text: u.bodyText, word_count: u.wordCount, char_count: u.charCount,
    version_number: u.number, version_hash: u.hash, updated_at: u.at,
  }).where('id', '=', storyId).where('tenant_id', '=', scope.tenantId).execute()
}

export async function setLock(trx: Tx, scope: TenantScope, storyId: string, lock: { holderId: string; expiresAt: Date } | null): Promise<void> {
  requireTenantScope(scope)
  await trx.updateTable('stories').set({ lock_holder_id: lock?.holderId ?? null, lock_expires_at: lock?.expiresAt ?? null })
    .where('id', '=', storyId).where('tenant_id', '=', scope.tenantId).execute()
}

/**
 * Moves the review state only when it is still `expectedState` (optimistic).
 * @returns false when the state had moved on.
 */
export async function updateReviewState(trx: Tx, scope: TenantScope, u: {
  storyId: string; expectedState: StoryState; state: StoryState; stageIndex: number | null; at: Date
}): Promise<boolean> {
  requireTenantScope(scope)
  const result = await trx.updateTable('stories').set({
    state: u.state, stage_index: u.stageIndex, updated_at: u.at,
    ...(u.state === 'in_review' && u.expectedState !== 'in_review' ? { submitted_at: u.at } : {}),
    ...(u.state === 'signed_off' ? { signed_off_at: u.at } : {}),
  }).where('id', '=', u.storyId).where('tenant_id', '=', scope.tenantId).where('state', '=', u.expectedState)
    .where('deleted_at', 'is', null).executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export async function markDeleted(trx: Tx, scope: TenantScope, storyId: string, at: Date): Promise<void> {
  requireTenantScope(scope)
  await trx.updateTable('stories').set({ deleted_at: at, lock_holder_id: null, lock_expires_at: null })
    .where('id', '=', storyId).where('tenant_id', '=', scope.tenantId).execute()
}

export interface StoryListFilter {
  state?: StoryState
  authorId?: string
  section?: string
  stageIndex?: number
  /** Only these stories (the overdue ones, as the review module lists them). */
  ids?: readonly string[]
  q?: string
  /** The last row of the previous page: (updated_at, id), newest first. */
  after?: { updatedAt: Date; id: string }
  limit: number
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`)
}

/** One page of the tenant's stories, most recently updated first. */
export async function listStories(trx: Tx, scope: TenantScope, f: StoryListFilter) {
  requireTenantScope(scope)
  let query = trx.selectFrom('stories').select([
    'id', 'kind', 'title', 'section', 'tags', 'is_important', 'author_id', 'state', 'stage_index', 'version_number',
    'word_count', 'char_count', 'lock_holder_id', 'lock_expires_at', 'created_at', 'updated_at', 'submitted_at',
  ]).where('tenant_id', '=', scope.tenantId).where('deleted_at', 'is', null)
  if (f.state) query = query.where('state', '=', f.state)
  if (f.authorId) query = query.where('author_id', '=', f.authorId)
  if (f.section !== undefined) query = query.where('section', '=', f.section)
  if (f.stageIndex !== undefined) query = query.where('state', '=', 'in_review').where('stage_index', '=', f.stageIndex)
  if (f.ids !== undefined) query = f.ids.length ? query.where('id', 'in', [...f.ids]) : query.where(sql<SqlBool>`false`)
  if (f.q) query = query.where('title', 'ilike', `%${escapeLike(f.q)}%`)
  if (f.after) {
    const { updatedAt, id } = f.after
    query = query.where(sql<SqlBool>`(updated_at, id) < (${updatedAt}::timestamptz, ${id}::uuid)`)
  }
  return query.orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute()
}
export type StoryListRow = Awaited<ReturnType<typeof listStories>>[number]

/**
 * Display names of users, for the names shown beside author, lock holder and version authors.
 * Users are the identity module's global rows; only the id and the display name are read.
 */
export async function findUserNames(trx: Tx, scope: TenantScope, userIds: readonly string[]): Promise<Map<string, string>> {
  requireTenantScope(scope)
  const ids = [...new Set(userIds)]
  if (ids.length === 0) return new Map()
  const rows = await trx.selectFrom('users').select(['id', 'display_name']).where(sql<SqlBool>`id = any(${ids}::uuid[])`).execute()
  return new Map(rows.map((r) => [r.id, r.display_name]))
}
