import crypto from 'node:crypto'
import type { Database } from '../../db/database.js'
import type { StoryState } from '../../db/schema.js'
import { inScope, type TenantScope, type Tx } from '../../db/scope.js'
import { appendAudit, withContext } from '../../kernel/audit.js'
import { AppError } from '../../kernel/errors.js'
import { emitEvent } from '../../kernel/events.js'
import { decodeCursor, encodeCursor } from '../../kernel/openapi.js'
import type { Removal } from '../../kernel/text/sanitize.js'
import { bodyFacts, contentHash, emptyContent, mergeContent, sanitizeBody, type ContentInput, type StoryContent } from './stories.content.js'
import {
  commitVersion, holdLock, isDeletable, isLockLive, loadDetail, loadForUpdate, requireCanEdit, scopeOf,
  type StoryActing, type StoryDetail,
} from './stories.core.js'
import { coverChanged } from './stories.cover.js'
import { forbidden, stateInvalid, storyLocked, storyNotFound, versionConflict } from './stories.errors.js'
import { reviewHooks, type ListStage } from './stories.hooks.js'
import * as store from './stories.store.js'
import * as versions from './versions.store.js'

export type { StoryActing, StoryDetail } from './stories.core.js'
export { registerReviewHooks, type ReviewHooks } from './stories.hooks.js'
export { registerCoverHooks, type CoverHooks } from './stories.cover.js'

/** A write's reply: the story as it now is, and what the sanitiser removed from the body sent. */
export type WrittenStory = StoryDetail & { removed: Removal[] }

export interface StoryListQuery {
  state?: StoryState
  authorId?: string
  isMine?: boolean
  section?: string
  stage?: number
  /** Only stories in review whose stage is past its deadline. */
  overdue?: boolean
  q?: string
  limit?: number
  cursor?: string
}

export interface StoryListItem {
  row: store.StoryListRow
  authorName: string
  lockHolderName: string | null
  isLocked: boolean
  /** The current review stage, from the review module (null unless in review). */
  stage: ListStage | null
}

/** Stories: create, read, list, save (a new version), delete a draft, recall from review. */
export function createStoriesService({ db, lockSeconds }: { db: Database; lockSeconds: number }) {
  const leaseMs = lockSeconds * 1000

  /**
   * A new draft in the acting tenant, as version 1 (reason `reason`). `images` are stored with it
   * in the same transaction (a .docx import), so a failure leaves nothing behind.
   */
  async function create(acting: StoryActing, input: ContentInput & { title: string }, { reason = 'save', images = [], id = crypto.randomUUID(), extra = {} }: {
    reason?: 'save' | 'import'; images?: Array<{ id: string; contentType: string; data: Buffer }>; id?: string; extra?: Record<string, unknown>
  } = {}): Promise<WrittenStory> {
    const body = sanitizeBody(input.body ?? '')
    const content = mergeContent(emptyContent, input, body)
    const scope = scopeOf(acting)
    return inScope(db, scope, async (trx) => {
      const at = new Date()
      const hash = contentHash(content)
      await store.insertStory(trx, scope, { id, authorId: acting.actorId, content, ...bodyFacts(content.bodyHtml), hash, at })
      await versions.insertVersion(trx, scope, { storyId: id, number: 1, content, hash, reason, createdBy: acting.actorId, at })
      await coverChanged(trx, scope, { storyId: id, from: null, to: content.coverAssetId, actorId: acting.actorId })
      for (const image of images) {
        const sha256 = crypto.createHash('sha256').update(image.data).digest('hex')
        await versions.insertImage(trx, scope, { ...image, storyId: id, sha256, createdBy: acting.actorId })
      }
      await emitEvent(trx, { type: 'story.created', tenantId: scope.tenantId, payload: { storyId: id, authorId: acting.actorId, kind: content.kind, reason } })
      await appendAudit(trx, withContext(acting.audit, {
        action: reason === 'import' ? 'story.import' : 'story.create', targetType: 'story', targetId: id,
        details: { title: content.title, kind: content.kind, hash, ...(images.length > 0 ? { images: images.length } : {}), ...extra },
      }))
      return { ...(await loadDetail(trx, acting, id)), removed: body.removed }
    })
  }

  /** One story of the acting tenant, with its versions, lock and review state. */
  async function get(acting: StoryActing, storyId: string): Promise<StoryDetail> {
    return inScope(db, scopeOf(acting), (trx) => loadDetail(trx, acting, storyId))
  }

  /** One page of the tenant's stories, most recently updated first. */
  async function list(acting: StoryActing, query: StoryListQuery): Promise<{ items: StoryListItem[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50
    const key = decodeCursor(query.cursor)
    const isCursorValid = key !== null && typeof key[0] === 'string' && !Number.isNaN(Date.parse(key[0])) && typeof key[1] === 'string' && /^[0-9a-f-]{36}$/.test(key[1])
    if (query.cursor && !isCursorValid) {
      throw new AppError('VALIDATION_FAILED', 'cursor: is not valid', { errors: [{ field: 'cursor', message: 'is not valid' }] })
    }
    const scope = scopeOf(acting)
    return inScope(db, scope, async (trx) => {
      const now = new Date()
      const hooks = reviewHooks()
      // Overdue is the review module's knowledge (stage deadlines): it names the stories.
      const ids = query.overdue ? await hooks.overdueStoryIds?.(trx, scope, now) ?? [] : undefined
      const rows = await store.listStories(trx, scope, {
        state: query.overdue ? 'in_review' : query.state, authorId: query.isMine ? acting.actorId : query.authorId, section: query.section,
        stageIndex: query.stage, ids, q: query.q?.trim() || undefined, limit: limit + 1,
        after: query.cursor ? { updatedAt: new Date(key![0] as string), id: key![1] as string } : undefined,
      })
      const page = rows.slice(0, limit)
      const inReview = page.filter((r) => r.state === 'in_review').map((r) => r.id)
      const stages = inReview.length ? await hooks.listStages?.(trx, scope, inReview, now) ?? new Map<string, ListStage>() : new Map<string, ListStage>()
      const names = await store.findUserNames(trx, scope, page.flatMap((r) => [r.author_id, ...(r.lock_holder_id ? [r.lock_holder_id] : [])]))
      const items = page.map((row) => {
        const isLocked = isLockLive(row, now)
        return {
          row, authorName: names.get(row.author_id) ?? '', isLocked, lockHolderName: isLocked ? names.get(row.lock_holder_id!) ?? '' : null,
          stage: stages.get(row.id) ?? null,
        }
      })
      const last = page[page.length - 1]
      return { items, nextCursor: rows.length > limit ? encodeCursor([new Date(last.updated_at).toISOString(), last.id]) : null }
    })
  }

  /**
   * An explicit save: a new version from the fields sent (absent fields keep their value). The
   * caller must hold the edit lock, or take it when free, and must have started from the current
   * version; otherwise 409 and nothing is written.
   */
  async function save(acting: StoryActing, storyId: string, input: ContentInput & { baseVersion: number }): Promise<WrittenStory> {
    const body = input.body === undefined ? null : sanitizeBody(input.body)
    const scope = scopeOf(acting)
    return inScope(db, scope, async (trx) => {
      const story = await loadForUpdate(trx, acting, storyId)
      requireCanEdit(acting, story)
      const now = new Date()
      await holdLock(trx, acting, story, { leaseMs, now })
      if (input.baseVersion !== story.version_number) throw versionConflict({ baseVersion: input.baseVersion, currentVersion: story.version_number })
      const content = mergeContent(store.contentOf(story), input, body)
      const committed = await commitVersion(trx, acting, story, content, { reason: 'save', editorId: acting.actorId, at: now })
      // The save supersedes the working copy it was made from.
      await versions.deleteDrafts(trx, scope, storyId, acting.actorId)
      if (committed) {
        await appendAudit(trx, withContext(acting.audit, {
          action: 'story.update', targetType: 'story', targetId: storyId, details: { ...committed, reason: 'save', state: story.state },
        }))
      }
      return { ...(await loadDetail(trx, acting, storyId)), removed: body?.removed ?? [] }
    })
  }

  /** Deletes a draft that was never submitted; only its author may. */
  async function remove(acting: StoryActing, storyId: string): Promise<void> {
    const scope = scopeOf(acting)
    await inScope(db, scope, async (trx) => {
      const story = await loadForUpdate(trx, acting, storyId)
      if (story.author_id !== acting.actorId) throw forbidden('只有作者可以删除自己的草稿', 'story.create')
      if (!isDeletable(acting, story)) throw stateInvalid(story.state, '只能删除从未提交审核的草稿')
      const now = new Date()
      if (isLockLive(story, now) && story.lock_holder_id !== acting.actorId) {
        const names = await store.findUserNames(trx, scope, [story.lock_holder_id!])
        throw storyLocked({ holderId: story.lock_holder_id!, holderName: names.get(story.lock_holder_id!) ?? '', expiresAt: new Date(story.lock_expires_at!) })
      }
      await store.markDeleted(trx, scope, storyId, now)
      await coverChanged(trx, scope, { storyId, from: story.cover_asset_id, to: null, actorId: acting.actorId })
      await versions.deleteDrafts(trx, scope, storyId)
      await emitEvent(trx, { type: 'story.deleted', tenantId: scope.tenantId, payload: { storyId, deletedBy: acting.actorId } })
      await appendAudit(trx, withContext(acting.audit, { action: 'story.delete', targetType: 'story', targetId: storyId, details: { title: story.title } }))
    })
  }

  /** The author takes a story out of review (back to draft), e.g. to correct it before anyone acts. */
  async function recall(acting: StoryActing, storyId: string): Promise<StoryDetail> {
    const scope = scopeOf(acting)
    return inScope(db, scope, async (trx) => {
      const story = await loadForUpdate(trx, acting, storyId)
      if (story.author_id !== acting.actorId) throw forbidden('只有作者可以撤回自己的稿件', 'story.create')
      if (story.state !== 'in_review') throw stateInvalid(story.state, '只有审核中的稿件可以撤回')
      await setReviewState(trx, scope, { storyId, expectedState: 'in_review', state: 'draft', stageIndex: null })
      const recalled = { storyId, versionNumber: story.version_number, stageIndex: story.stage_index, recalledBy: acting.actorId }
      await reviewHooks().onStoryRecalled?.(trx, scope, recalled)
      await emitEvent(trx, { type: 'story.recalled_from_review', tenantId: scope.tenantId, payload: { ...recalled } })
      await appendAudit(trx, withContext(acting.audit, {
        action: 'story.recall', targetType: 'story', targetId: storyId, details: { stageIndex: story.stage_index, versionNumber: story.version_number },
      }))
      return loadDetail(trx, acting, storyId)
    })
  }

  /** An image imported with the story (tenant-checked through the story). */
  async function getImage(acting: StoryActing, storyId: string, imageId: string): Promise<{ contentType: string; data: Buffer }> {
    const scope = scopeOf(acting)
    return inScope(db, scope, async (trx) => {
      if (!(await store.findStory(trx, scope, storyId))) throw storyNotFound()
      const image = await versions.findImage(trx, scope, storyId, imageId)
      if (!image) throw new AppError('NOT_FOUND', 'the story has no such image')
      // PGlite returns bytea as a Uint8Array, pg as a Buffer.
      return { contentType: image.content_type, data: Buffer.from(image.data) }
    })
  }

  return { create, get, list, save, remove, recall, getImage }
}

export type StoriesService = ReturnType<typeof createStoriesService>

// ---- For the review module: called inside its own transaction (see stories.hooks.ts). ----

/** What review needs of a story. */
export interface StoryForReview {
  id: string
  tenantId: string
  authorId: string
  state: StoryState
  stageIndex: number | null
  versionNumber: number
  versionHash: string
  bodyText: string
  /** The sanitised body HTML (the image caption check reads it). */
  bodyHtml: string
  isImportant: boolean
  title: string
}

/**
 * The story as review sees it, locked for the rest of the transaction unless `isForUpdate` is
 * false (decisions on one story then queue instead of racing). Throws STORY_NOT_FOUND.
 */
export async function getForReview(trx: Tx, scope: TenantScope, storyId: string, { isForUpdate = true } = {}): Promise<StoryForReview> {
  const row = await store.findForReview(trx, scope, storyId, { isForUpdate })
  if (!row) throw storyNotFound()
  return {
    id: row.id, tenantId: row.tenant_id, authorId: row.author_id, state: row.state, stageIndex: row.stage_index,
    versionNumber: row.version_number, versionHash: row.version_hash, bodyText: row.body_text, bodyHtml: row.body_html, isImportant: row.is_important, title: row.title,
  }
}

/**
 * Moves a story's review state, only from `expectedState` (optimistic: CONFLICT when it moved).
 * `stageIndex` is set while in review and null otherwise. Entering review stamps `submitted_at`,
 * signing off `signed_off_at`. Review writes its own audit entry and events.
 */
export async function setReviewState(trx: Tx, scope: TenantScope, change: {
  storyId: string; expectedState: StoryState; state: StoryState; stageIndex: number | null
}): Promise<void> {
  if ((change.state === 'in_review') !== (change.stageIndex !== null)) {
    throw new Error(`setReviewState: stageIndex must be set exactly while in review (state ${change.state}, stage ${change.stageIndex})`)
  }
  const isMoved = await store.updateReviewState(trx, scope, { ...change, at: new Date() })
  if (!isMoved) throw new AppError('CONFLICT', `the story is no longer ${change.expectedState}`, { extra: { expectedState: change.expectedState } })
}

export interface VersionMeta {
  number: number
  hash: string
  reason: string
  createdBy: string
  createdAt: Date
}

export interface StoryVersion extends VersionMeta {
  content: StoryContent
}

/** Every version of a story without content, newest first. */
export async function listVersions(trx: Tx, scope: TenantScope, storyId: string): Promise<VersionMeta[]> {
  const rows = await versions.listVersions(trx, scope, storyId)
  return rows.map((r) => ({ number: r.number, hash: r.hash, reason: r.reason, createdBy: r.created_by, createdAt: new Date(r.created_at) }))
}

/** One version with its full content; throws NOT_FOUND when the story has no such version. */
export async function getVersion(trx: Tx, scope: TenantScope, storyId: string, number: number): Promise<StoryVersion> {
  const row = await versions.findVersion(trx, scope, storyId, number)
  if (!row) throw new AppError('NOT_FOUND', `the story has no version ${number}`)
  return { number: row.number, hash: row.hash, reason: row.reason, createdBy: row.created_by, createdAt: new Date(row.created_at), content: store.contentOf(row) }
}
