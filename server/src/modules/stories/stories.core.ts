import type { StoryVersionReason } from '../../db/schema.js'
import type { TenantScope, Tx } from '../../db/scope.js'
import type { TenantContext } from '../../kernel/access.js'
import type { AuditContext } from '../../kernel/audit.js'
import { emitEvent } from '../../kernel/events.js'
import { bodyFacts, contentHash, type StoryContent } from './stories.content.js'
import { forbidden, notEditable, stateInvalid, storyLocked, storyNotFound, type LockFacts } from './stories.errors.js'
import { coverChanged } from './stories.cover.js'
import { reviewHooks, type ReviewDescription } from './stories.hooks.js'
import * as store from './stories.store.js'
import * as versions from './versions.store.js'

/** Who works on a story: the signed-in user acting in one tenant. */
export interface StoryActing {
  actorId: string
  actorName: string
  tenant: Pick<TenantContext, 'id' | 'permissions' | 'scope'>
  audit: AuditContext
}

export function scopeOf(acting: StoryActing): TenantScope {
  return acting.tenant.scope
}

/** States in which a new version concerns the review module (it may restart the review). */
const reviewedStates = new Set(['in_review', 'signed_off'])

/**
 * Who may change a story's content, or take its edit lock: the author while it is a draft or
 * returned, holders of story.edit at any time, nobody once it is rejected.
 * @returns the refusal to throw, or null when allowed.
 */
export function editRefusal(acting: StoryActing, story: Pick<store.StoryRow, 'state' | 'author_id'>) {
  if (story.state === 'rejected') return notEditable(story.state)
  if (acting.tenant.permissions.has('story.edit')) return null
  if (story.author_id !== acting.actorId) return forbidden('只有作者或有“编辑他人稿件”权限的人可以修改这篇稿件')
  if (story.state === 'draft' || story.state === 'returned') return null
  return stateInvalid(story.state, '稿件在审核流程中，作者暂不能修改；请联系审核人员退回，或先撤回稿件')
}

export function requireCanEdit(acting: StoryActing, story: Pick<store.StoryRow, 'state' | 'author_id'>): void {
  const refusal = editRefusal(acting, story)
  if (refusal) throw refusal
}

/** The story, locked for the rest of the transaction; another tenant's or a deleted one is 404. */
export async function loadForUpdate(trx: Tx, acting: StoryActing, storyId: string): Promise<store.StoryRow> {
  const story = await store.findStory(trx, scopeOf(acting), storyId, { isForUpdate: true })
  if (!story) throw storyNotFound()
  return story
}

export function isLockLive(story: Pick<store.StoryRow, 'lock_holder_id' | 'lock_expires_at'>, now: Date): boolean {
  return story.lock_holder_id !== null && story.lock_expires_at !== null && new Date(story.lock_expires_at) > now
}

/** The live lock of a story with its holder's name, or null when nobody holds it. */
export async function liveLock(trx: Tx, acting: StoryActing, story: store.StoryRow, now: Date): Promise<LockFacts | null> {
  if (!isLockLive(story, now)) return null
  const names = await store.findUserNames(trx, scopeOf(acting), [story.lock_holder_id!])
  return { holderId: story.lock_holder_id!, holderName: names.get(story.lock_holder_id!) ?? '', expiresAt: new Date(story.lock_expires_at!) }
}

/**
 * Takes or renews the edit lease for the actor. A lease that expired is free for anyone allowed
 * to edit; a live lease of someone else is refused with their name (takeover is separate).
 * @returns the new lease and whether it was newly taken (not a renewal).
 */
export async function holdLock(trx: Tx, acting: StoryActing, story: store.StoryRow, { leaseMs, now }: { leaseMs: number; now: Date }) {
  const current = await liveLock(trx, acting, story, now)
  if (current && current.holderId !== acting.actorId) throw storyLocked(current)
  const expiresAt = new Date(now.getTime() + leaseMs)
  await store.setLock(trx, scopeOf(acting), story.id, { holderId: acting.actorId, expiresAt })
  story.lock_holder_id = acting.actorId
  story.lock_expires_at = expiresAt
  return { holderId: acting.actorId, holderName: acting.actorName, expiresAt, isFresh: current === null }
}

export interface Committed {
  fromVersion: number
  toVersion: number
  hash: string
}

/**
 * Makes `content` the story's next version: the version row, the story's current columns, the
 * review module's restart hook when the story is under review or signed off, and `story.updated`.
 * Content equal to the current version makes no version.
 * @returns the version numbers, or null when nothing changed.
 */
export async function commitVersion(trx: Tx, acting: StoryActing, story: store.StoryRow, content: StoryContent, { reason, editorId, at }: {
  reason: StoryVersionReason; editorId: string; at: Date
}): Promise<Committed | null> {
  const scope = scopeOf(acting)
  const hash = contentHash(content)
  if (hash === story.version_hash) return null
  const fromVersion = story.version_number
  const toVersion = fromVersion + 1
  const facts = bodyFacts(content.bodyHtml)
  await versions.insertVersion(trx, scope, { storyId: story.id, number: toVersion, content, hash, reason, createdBy: editorId, at })
  await store.updateStoryContent(trx, scope, story.id, { content, ...facts, number: toVersion, hash, at })
  // The media library records (or refuses) the cover in this same transaction.
  await coverChanged(trx, scope, { storyId: story.id, from: story.cover_asset_id, to: content.coverAssetId, actorId: editorId })
  story.cover_asset_id = content.coverAssetId
  if (reviewedStates.has(story.state)) {
    await reviewHooks().onStoryEdited(trx, scope, { storyId: story.id, fromVersion, toVersion, editorId, audit: acting.audit })
  }
  await emitEvent(trx, {
    type: 'story.updated', tenantId: scope.tenantId,
    payload: { storyId: story.id, versionNumber: toVersion, previousVersionNumber: fromVersion, changedBy: editorId, reason },
  })
  story.version_number = toVersion
  story.version_hash = hash
  return { fromVersion, toVersion, hash }
}

/** Everything the story detail shows, read in one transaction. */
export interface StoryDetail {
  story: store.StoryRow
  names: Map<string, string>
  versions: versions.VersionMetaRow[]
  review: ReviewDescription
  lock: LockFacts | null
  canEdit: boolean
  canDelete: boolean
}

export function isDeletable(acting: StoryActing, story: Pick<store.StoryRow, 'state' | 'author_id' | 'submitted_at'>): boolean {
  return story.author_id === acting.actorId && story.state === 'draft' && story.submitted_at === null
}

export async function loadDetail(trx: Tx, acting: StoryActing, storyId: string): Promise<StoryDetail> {
  const scope = scopeOf(acting)
  const story = await store.findStory(trx, scope, storyId)
  if (!story) throw storyNotFound()
  const history = await versions.listVersions(trx, scope, storyId)
  const lock = await liveLock(trx, acting, story, new Date())
  const names = await store.findUserNames(trx, scope, [story.author_id, ...history.map((v) => v.created_by)])
  if (lock) names.set(lock.holderId, lock.holderName)
  const review = await reviewHooks().describe(trx, scope, { id: story.id, state: story.state, stageIndex: story.stage_index })
  return {
    story, names, versions: history, review, lock,
    canEdit: editRefusal(acting, story) === null, canDelete: isDeletable(acting, story),
  }
}
