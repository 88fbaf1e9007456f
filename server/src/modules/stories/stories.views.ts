import type { Removal } from '../../kernel/text/sanitize.js'
import { countsOf, type StoryContent } from './stories.content.js'
import type { StoryDetail } from './stories.core.js'
import type { DraftReply, LockReply, TakeoverReply } from './stories.editing.js'
import type { LockFacts } from './stories.errors.js'
import type { StoryListItem } from './stories.service.js'
import type { NamedVersion } from './stories.versions.js'

/** Domain objects as the API writes them: camelCase, ISO timestamps, counts beside every body. */

const iso = (d: Date | string) => new Date(d).toISOString()
const isoOrNull = (d: Date | string | null) => (d === null ? null : iso(d))

export function contentView(c: StoryContent) {
  return {
    kind: c.kind, title: c.title, subtitle: c.subtitle, summary: c.summary, body: c.bodyHtml, byline: c.byline, source: c.source,
    section: c.section, tags: c.tags, coverAssetId: c.coverAssetId, attachments: c.attachments, isImportant: c.isImportant,
  }
}

export function lockView(lock: LockFacts) {
  return { holderId: lock.holderId, holderName: lock.holderName, expiresAt: iso(lock.expiresAt) }
}

export function lockReplyView(reply: LockReply) {
  return { ...lockView(reply), versionNumber: reply.versionNumber }
}

export function takeoverView(reply: TakeoverReply) {
  return { ...lockReplyView(reply), previousHolder: reply.previousHolder, savedVersion: reply.savedVersion }
}

export function storyView(detail: StoryDetail, { removed = [], warnings }: { removed?: Removal[]; warnings?: string[] } = {}) {
  const { story, names, review } = detail
  return {
    id: story.id,
    tenantId: story.tenant_id,
    ...contentView({
      kind: story.kind, title: story.title, subtitle: story.subtitle, summary: story.summary, bodyHtml: story.body_html,
      byline: story.byline, source: story.source, section: story.section, tags: story.tags, coverAssetId: story.cover_asset_id,
      attachments: story.attachments as StoryContent['attachments'], isImportant: story.is_important,
    }),
    wordCount: story.word_count,
    charCount: story.char_count,
    authorId: story.author_id,
    authorName: names.get(story.author_id) ?? '',
    state: story.state,
    stageIndex: story.stage_index,
    stage: review.stage,
    decisions: review.decisions,
    review: review.review ?? null,
    versionNumber: story.version_number,
    versionHash: story.version_hash,
    versions: detail.versions.map((v) => ({
      number: v.number, hash: v.hash, reason: v.reason, createdBy: v.created_by, createdByName: names.get(v.created_by) ?? '', createdAt: iso(v.created_at),
    })),
    lock: detail.lock ? lockView(detail.lock) : null,
    canEdit: detail.canEdit,
    canDelete: detail.canDelete,
    createdAt: iso(story.created_at),
    updatedAt: iso(story.updated_at),
    submittedAt: isoOrNull(story.submitted_at),
    signedOffAt: isoOrNull(story.signed_off_at),
    sanitizerRemoved: removed,
    ...(warnings ? { warnings } : {}),
  }
}

export function storyListItemView({ row, authorName, isLocked, lockHolderName, stage }: StoryListItem) {
  return {
    id: row.id, kind: row.kind, title: row.title, section: row.section, tags: row.tags, isImportant: row.is_important,
    authorId: row.author_id, authorName, state: row.state, stageIndex: row.stage_index, stage, versionNumber: row.version_number,
    wordCount: row.word_count, charCount: row.char_count,
    lock: isLocked ? { holderId: row.lock_holder_id!, holderName: lockHolderName ?? '', expiresAt: iso(row.lock_expires_at!) } : null,
    createdAt: iso(row.created_at), updatedAt: iso(row.updated_at), submittedAt: isoOrNull(row.submitted_at),
  }
}

export function versionView(v: NamedVersion) {
  return {
    number: v.number, hash: v.hash, reason: v.reason, createdBy: v.createdBy, createdByName: v.createdByName, createdAt: iso(v.createdAt),
    ...contentView(v.content), ...countsOf(v.content.bodyHtml),
  }
}

export function draftView(d: DraftReply) {
  return { baseVersion: d.baseVersion, savedAt: iso(d.savedAt), ...contentView(d.content), wordCount: d.wordCount, charCount: d.charCount }
}
