import type { Database } from '../../db/database.js'
import { inScope } from '../../db/scope.js'
import { appendAudit, withContext } from '../../kernel/audit.js'
import type { Removal } from '../../kernel/text/sanitize.js'
import { contentFromJson, countsOf, mergeContent, sanitizeBody, type ContentInput, type StoryContent } from './stories.content.js'
import { commitVersion, holdLock, liveLock, loadForUpdate, requireCanEdit, scopeOf, type StoryActing } from './stories.core.js'
import { storyLocked, storyNotFound, versionConflict, type LockFacts } from './stories.errors.js'
import * as store from './stories.store.js'
import * as versions from './versions.store.js'

export interface LockReply extends LockFacts {
  /** The story's current version: an editor that loaded an older one must reload before saving. */
  versionNumber: number
}

export interface TakeoverReply extends LockReply {
  previousHolder: { id: string; name: string } | null
  /** The version made from the previous holder's unsaved draft, or null when there was none to keep. */
  savedVersion: number | null
}

export interface DraftReply {
  baseVersion: number
  savedAt: Date
  content: StoryContent
  wordCount: number
  charCount: number
}

/**
 * The edit lock (a renewable lease) and autosave. Lock renewals and autosaves are frequent and
 * change no story, so they are not audited; taking, releasing and taking over a lock are.
 */
export function createEditingService({ db, lockSeconds }: { db: Database; lockSeconds: number }) {
  const leaseMs = lockSeconds * 1000

  /** Takes the lock, or renews it for its holder; 409 STORY_LOCKED names someone else's live lease. */
  async function acquireLock(acting: StoryActing, storyId: string): Promise<LockReply> {
    return inScope(db, scopeOf(acting), async (trx) => {
      const story = await loadForUpdate(trx, acting, storyId)
      requireCanEdit(acting, story)
      const { isFresh, ...lease } = await holdLock(trx, acting, story, { leaseMs, now: new Date() })
      if (isFresh) {
        await appendAudit(trx, withContext(acting.audit, { action: 'story.lock', targetType: 'story', targetId: storyId, details: { expiresAt: lease.expiresAt.toISOString() } }))
      }
      return { ...lease, versionNumber: story.version_number }
    })
  }

  /** Gives the lock up; only its holder may (releasing a free lock does nothing). */
  async function releaseLock(acting: StoryActing, storyId: string): Promise<void> {
    await inScope(db, scopeOf(acting), async (trx) => {
      const story = await loadForUpdate(trx, acting, storyId)
      const current = await liveLock(trx, acting, story, new Date())
      if (!current) return
      if (current.holderId !== acting.actorId) throw storyLocked(current)
      await store.setLock(trx, scopeOf(acting), storyId, null)
      await appendAudit(trx, withContext(acting.audit, { action: 'story.unlock', targetType: 'story', targetId: storyId }))
    })
  }

  /**
   * Moves a live lock to the caller (route permission story.edit). The previous holder's unsaved
   * draft becomes a version (reason `takeover`, by them) before the lock moves, so no typed text
   * is lost. A draft made from an older version than the current one is left to its owner rather
   * than made current, which would silently undo the newer version.
   */
  async function takeOver(acting: StoryActing, storyId: string): Promise<TakeoverReply> {
    const scope = scopeOf(acting)
    return inScope(db, scope, async (trx) => {
      const story = await loadForUpdate(trx, acting, storyId)
      requireCanEdit(acting, story)
      const now = new Date()
      const current = await liveLock(trx, acting, story, now)
      const previous = current && current.holderId !== acting.actorId ? current : null
      let savedVersion: number | null = null
      let isDraftKept = false
      if (previous) {
        const draft = await versions.findDraft(trx, scope, storyId, previous.holderId)
        if (draft && draft.base_version === story.version_number) {
          const committed = await commitVersion(trx, acting, story, contentFromJson(draft.content), { reason: 'takeover', editorId: previous.holderId, at: now })
          savedVersion = committed?.toVersion ?? null
          await versions.deleteDrafts(trx, scope, storyId, previous.holderId)
        } else {
          isDraftKept = draft !== undefined
        }
      }
      const expiresAt = new Date(now.getTime() + leaseMs)
      await store.setLock(trx, scope, storyId, { holderId: acting.actorId, expiresAt })
      await appendAudit(trx, withContext(acting.audit, {
        action: 'story.lock_takeover', targetType: 'story', targetId: storyId,
        details: { previousHolderId: previous?.holderId ?? null, savedVersion, isDraftKept },
      }))
      return {
        holderId: acting.actorId, holderName: acting.actorName, expiresAt, versionNumber: story.version_number,
        previousHolder: previous ? { id: previous.holderId, name: previous.holderName } : null, savedVersion,
      }
    })
  }

  /**
   * Stores the caller's working copy (no version) and renews their lease. Fields not sent keep
   * the value of their previous draft of the same version, else of the story.
   */
  async function autosave(acting: StoryActing, storyId: string, input: ContentInput & { baseVersion: number }): Promise<DraftReply & { lock: LockFacts; removed: Removal[] }> {
    const body = input.body === undefined ? null : sanitizeBody(input.body)
    const scope = scopeOf(acting)
    return inScope(db, scope, async (trx) => {
      const story = await loadForUpdate(trx, acting, storyId)
      requireCanEdit(acting, story)
      const now = new Date()
      const { isFresh: _, ...lock } = await holdLock(trx, acting, story, { leaseMs, now })
      if (input.baseVersion !== story.version_number) throw versionConflict({ baseVersion: input.baseVersion, currentVersion: story.version_number })
      const previous = await versions.findDraft(trx, scope, storyId, acting.actorId)
      const base = previous && previous.base_version === story.version_number ? contentFromJson(previous.content) : store.contentOf(story)
      const content = mergeContent(base, input, body)
      await versions.upsertDraft(trx, scope, { storyId, userId: acting.actorId, baseVersion: story.version_number, content, at: now })
      return { baseVersion: story.version_number, savedAt: now, content, ...countsOf(content.bodyHtml), lock, removed: body?.removed ?? [] }
    })
  }

  /** The caller's own working copy, if any: a reload or a crash never loses typed text. */
  async function getDraft(acting: StoryActing, storyId: string): Promise<DraftReply | null> {
    const scope = scopeOf(acting)
    return inScope(db, scope, async (trx) => {
      if (!(await store.findStory(trx, scope, storyId))) throw storyNotFound()
      const draft = await versions.findDraft(trx, scope, storyId, acting.actorId)
      if (!draft) return null
      const content = contentFromJson(draft.content)
      return { baseVersion: draft.base_version, savedAt: new Date(draft.saved_at), content, ...countsOf(content.bodyHtml) }
    })
  }

  return { acquireLock, releaseLock, takeOver, autosave, getDraft }
}

export type EditingService = ReturnType<typeof createEditingService>
