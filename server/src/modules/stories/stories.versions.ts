import type { Database } from '../../db/database.js'
import { inScope } from '../../db/scope.js'
import { appendAudit, withContext } from '../../kernel/audit.js'
import { sanitizeBody } from './stories.content.js'
import { commitVersion, holdLock, loadDetail, loadForUpdate, requireCanEdit, scopeOf, type StoryActing } from './stories.core.js'
import { diffContent, type ContentDiff } from './stories.diff.js'
import { storyNotFound, versionConflict } from './stories.errors.js'
import { getVersion, type StoryVersion, type WrittenStory } from './stories.service.js'
import * as store from './stories.store.js'
import * as versions from './versions.store.js'

export interface NamedVersion extends StoryVersion {
  createdByName: string
}

/** Version history: one version in full, the diff of two, and restoring an old one as the newest. */
export function createVersionsService({ db, lockSeconds }: { db: Database; lockSeconds: number }) {
  const leaseMs = lockSeconds * 1000

  async function readVersions(acting: StoryActing, storyId: string, numbers: number[]): Promise<NamedVersion[]> {
    const scope = scopeOf(acting)
    return inScope(db, scope, async (trx) => {
      if (!(await store.findStory(trx, scope, storyId))) throw storyNotFound()
      const found: StoryVersion[] = []
      for (const number of numbers) found.push(await getVersion(trx, scope, storyId, number))
      const names = await store.findUserNames(trx, scope, found.map((v) => v.createdBy))
      return found.map((v) => ({ ...v, createdByName: names.get(v.createdBy) ?? '' }))
    })
  }

  /** One version with its full content. */
  async function get(acting: StoryActing, storyId: string, number: number): Promise<NamedVersion> {
    const [version] = await readVersions(acting, storyId, [number])
    return version
  }

  /** Both versions in full, and what changed from `from` to `to` in title, body text, blocks and fields. */
  async function diff(acting: StoryActing, storyId: string, { from, to }: { from: number; to: number }): Promise<{ from: NamedVersion; to: NamedVersion } & ContentDiff> {
    const [older, newer] = await readVersions(acting, storyId, [from, to])
    return { from: older, to: newer, ...diffContent(older.content, newer.content) }
  }

  /**
   * Makes an old version's content the newest version (reason `restore`), by the rules of a save:
   * the caller may edit, holds or takes the lock, and (when `baseVersion` is sent) started from the
   * current version. Restoring what is already current changes nothing.
   */
  async function restore(acting: StoryActing, storyId: string, number: number, { baseVersion }: { baseVersion?: number }): Promise<WrittenStory> {
    // Versions never change: read and re-sanitise (the allow-list may have narrowed since) before the write transaction.
    const version = await get(acting, storyId, number)
    const body = sanitizeBody(version.content.bodyHtml)
    const content = { ...version.content, bodyHtml: body.html }
    const scope = scopeOf(acting)
    return inScope(db, scope, async (trx) => {
      const story = await loadForUpdate(trx, acting, storyId)
      requireCanEdit(acting, story)
      const now = new Date()
      await holdLock(trx, acting, story, { leaseMs, now })
      if (baseVersion !== undefined && baseVersion !== story.version_number) throw versionConflict({ baseVersion, currentVersion: story.version_number })
      const committed = await commitVersion(trx, acting, story, content, { reason: 'restore', editorId: acting.actorId, at: now })
      await versions.deleteDrafts(trx, scope, storyId, acting.actorId)
      if (committed) {
        await appendAudit(trx, withContext(acting.audit, {
          action: 'story.restore', targetType: 'story', targetId: storyId, details: { ...committed, restoredFrom: number, state: story.state },
        }))
      }
      return { ...(await loadDetail(trx, acting, storyId)), removed: body.removed }
    })
  }

  return { get, diff, restore }
}

export type VersionsService = ReturnType<typeof createVersionsService>
