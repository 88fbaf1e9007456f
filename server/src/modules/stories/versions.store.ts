import type { StoryVersionReason } from '../../db/schema.js'
import { requireTenantScope, type TenantScope, type Tx } from '../../db/scope.js'
import type { StoryContent } from './stories.content.js'
import { contentColumns } from './stories.store.js'

/** SQL of a story's versions (append-only), the per-user autosave drafts and imported images. */

export async function insertVersion(trx: Tx, scope: TenantScope, v: {
  storyId: string; number: number; content: StoryContent; hash: string; reason: StoryVersionReason; createdBy: string; at: Date
}): Promise<void> {
  requireTenantScope(scope)
  await trx.insertInto('story_versions').values({
    tenant_id: scope.tenantId, story_id: v.storyId, number: v.number, ...contentColumns(v.content), hash: v.hash,
    reason: v.reason, created_by: v.createdBy, created_at: v.at,
  }).execute()
}

/** Every version of a story without its content, newest first. */
export async function listVersions(trx: Tx, scope: TenantScope, storyId: string) {
  requireTenantScope(scope)
  return trx.selectFrom('story_versions').select(['number', 'hash', 'reason', 'created_by', 'created_at'])
    .where('tenant_id', '=', scope.tenantId).where('story_id', '=', storyId).orderBy('number', 'desc').execute()
}
export type VersionMetaRow = Awaited<ReturnType<typeof listVersions>>[number]

export async function findVersion(trx: Tx, scope: TenantScope, storyId: string, number: number) {
  requireTenantScope(scope)
  return trx.selectFrom('story_versions').selectAll()
    .where('tenant_id', '=', scope.tenantId).where('story_id', '=', storyId).where('number', '=', number).executeTakeFirst()
}
export type VersionRow = NonNullable<Awaited<ReturnType<typeof findVersion>>>

export async function upsertDraft(trx: Tx, scope: TenantScope, d: {
  storyId: string; userId: string; baseVersion: number; content: StoryContent; at: Date
}): Promise<void> {
  requireTenantScope(scope)
  const content = JSON.stringify(d.content)
  await trx.insertInto('story_drafts').values({
    story_id: d.storyId, user_id: d.userId, tenant_id: scope.tenantId, base_version: d.baseVersion, content, saved_at: d.at,
  }).onConflict((oc) => oc.columns(['story_id', 'user_id']).doUpdateSet({ base_version: d.baseVersion, content, saved_at: d.at })).execute()
}

export async function findDraft(trx: Tx, scope: TenantScope, storyId: string, userId: string) {
  requireTenantScope(scope)
  return trx.selectFrom('story_drafts').select(['base_version', 'content', 'saved_at'])
    .where('tenant_id', '=', scope.tenantId).where('story_id', '=', storyId).where('user_id', '=', userId).executeTakeFirst()
}

/** Removes one user's draft, or (without `userId`) every draft of the story. */
export async function deleteDrafts(trx: Tx, scope: TenantScope, storyId: string, userId?: string): Promise<void> {
  requireTenantScope(scope)
  let query = trx.deleteFrom('story_drafts').where('tenant_id', '=', scope.tenantId).where('story_id', '=', storyId)
  if (userId) query = query.where('user_id', '=', userId)
  await query.execute()
}

export async function insertImage(trx: Tx, scope: TenantScope, i: {
  id: string; storyId: string; contentType: string; data: Buffer; sha256: string; createdBy: string
}): Promise<void> {
  requireTenantScope(scope)
  await trx.insertInto('story_images').values({
    id: i.id, tenant_id: scope.tenantId, story_id: i.storyId, content_type: i.contentType, data: i.data,
    byte_size: i.data.length, sha256: i.sha256, created_by: i.createdBy,
  }).execute()
}

export async function findImage(trx: Tx, scope: TenantScope, storyId: string, imageId: string) {
  requireTenantScope(scope)
  return trx.selectFrom('story_images').select(['content_type', 'data', 'sha256'])
    .where('tenant_id', '=', scope.tenantId).where('story_id', '=', storyId).where('id', '=', imageId).executeTakeFirst()
}
