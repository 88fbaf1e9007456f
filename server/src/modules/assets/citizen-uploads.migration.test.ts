import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { openPGlite, openPostgres, type Database } from '../../db/database.js'
import { migrate, migrationsDir, readMigrations } from '../../db/migrate.js'
import { inScope, systemScope } from '../../db/scope.js'
import { appendAudit, verifyAuditChain } from '../../kernel/audit.js'
import { syncBuiltinRoles } from '../identity/builtin-roles.js'
import { emptyPostgresDatabase } from '../../../test/factories/cli.js'
import { testDbKind } from '../../../test/harness.js'

/**
 * 0011_public_uploads.sql on a database that ran the code before it: the per-center account
 * `citizen-uploads-<center>` gives way to assets that say they came from a citizen, and the audit
 * log (hash-chained, never rewritten) still verifies.
 */

const BEFORE = 10
const NO_LOGIN = '!no-login'

/** A blank database of the run's kind with the migrations up to number `count` applied. */
async function databaseAt(count: number): Promise<{ db: Database; drop(): Promise<void> }> {
  let db: Database
  let drop: () => Promise<void>
  if (testDbKind === 'pglite') {
    db = await openPGlite('memory://')
    drop = () => db.close()
  } else {
    const empty = await emptyPostgresDatabase()
    db = await openPostgres(empty.url, { poolSize: 2 })
    drop = async () => {
      await db.close()
      await empty.drop()
    }
  }
  await migrateUpTo(db, count)
  await syncBuiltinRoles(db)
  return { db, drop }
}

/** Applies the migrations up to number `count` (a folder holding only those, as restore does). */
async function migrateUpTo(db: Database, count: number): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rongmei-migrations-'))
  try {
    for (const m of readMigrations().slice(0, count)) fs.copyFileSync(path.join(migrationsDir, m.name), path.join(dir, m.name))
    return await migrate(db, dir)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

interface World {
  center: string
  staff: string
  uploader: string
  repurposed: string
  assets: Record<'claimed' | 'expired' | 'staffs' | 'repurposeds', string>
}

/** What the code before 0011 left behind: a center, its citizen-uploads account and their assets. */
async function seedBefore(db: Database): Promise<World> {
  return inScope(db, systemScope, async (trx) => {
    const platform = crypto.randomUUID()
    const center = crypto.randomUUID()
    await trx.insertInto('tenants').values([
      { id: platform, slug: 'mig-platform', name: '平台', kind: 'platform', parent_id: null, path: [platform] },
      { id: center, slug: 'mig-center', name: '中心', kind: 'center', parent_id: platform, path: [platform, center] },
    ]).execute()
    const user = async (username: string, passwordHash: string, isDisabled: boolean) => (await trx.insertInto('users').values({
      username, display_name: username.startsWith('citizen') ? '市民留言附件' : '编辑', home_tenant_id: center, password_hash: passwordHash, is_disabled: isDisabled,
    }).returning('id').executeTakeFirstOrThrow()).id
    const staff = await user('mig-editor', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', false)
    const uploader = await user(`citizen-uploads-${center.replaceAll('-', '')}`, NO_LOGIN, true)
    // An administrator gave this one a password: a real account now, whatever its name.
    const repurposed = await user(`citizen-uploads-${crypto.randomUUID().replaceAll('-', '')}`, '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$b3RoZXI', false)
    // While the account was listed, an administrator gave it a role and the audit log recorded that.
    const role = await trx.selectFrom('roles').select('id').where('code', '=', 'reporter').where('tenant_id', 'is', null).executeTakeFirstOrThrow()
    await trx.insertInto('memberships').values({ tenant_id: center, user_id: uploader, role_id: role.id, created_by: staff }).execute()
    await appendAudit(trx, { action: 'user.membership.add', tenantId: center, actorId: staff, actorName: 'mig-editor', targetType: 'user', targetId: uploader })

    const sha256 = crypto.createHash('sha256').update('picture').digest('hex')
    await trx.insertInto('asset_blobs').values({ sha256, size: 7, mime_type: 'image/png', storage_key: `originals/${sha256}` }).execute()
    // Insert through sql so the row fits the pre-0011 table whatever the Kysely types say now.
    const asset = async (uploadedBy: string, deletedBy: string | null) => (await sql<{ id: string }>`
      insert into assets (tenant_id, kind, sha256, mime_type, size, metadata, renditions, media, uploaded_by, deleted_at, deleted_by)
      values (${center}, 'image', ${sha256}, 'image/png', 7, '{"ticketUpload":{"by":"public"}}', '[]', '{}', ${uploadedBy},
        ${deletedBy ? new Date() : null}, ${deletedBy}) returning id`.execute(trx)).rows[0].id
    const assets = {
      claimed: await asset(uploader, null), expired: await asset(uploader, uploader),
      staffs: await asset(staff, staff), repurposeds: await asset(repurposed, null),
    }
    await appendAudit(trx, { action: 'asset.upload', tenantId: center, actorId: null, actorName: '留言人', ip: '203.0.113.1', targetType: 'asset', targetId: assets.claimed })
    return { center, staff, uploader, repurposed, assets }
  })
}

describe('migration 0011: citizens\' uploads without a user account', { timeout: 60_000 }, () => {
  let t: { db: Database; drop(): Promise<void> }
  let w: World
  let auditBefore: unknown[]

  beforeAll(async () => {
    t = await databaseAt(BEFORE)
    w = await seedBefore(t.db)
    auditBefore = await inScope(t.db, systemScope, (trx) => trx.selectFrom('audit_log').selectAll().orderBy('seq').execute())
    expect(await migrateUpTo(t.db, BEFORE + 1)).toEqual(['0011_public_uploads.sql'])
  }, 120_000)
  afterAll(async () => { await t.drop() }, 60_000)

  it('turns the account\'s assets into citizen uploads with no uploader, and leaves staff uploads alone', async () => {
    const rows = await inScope(t.db, systemScope, (trx) => trx.selectFrom('assets')
      .select(['id', 'uploaded_by', 'upload_source', 'deleted_by']).execute())
    const byId = Object.fromEntries(rows.map((r) => [r.id, { uploaded_by: r.uploaded_by, upload_source: r.upload_source, deleted_by: r.deleted_by }]))
    expect(byId).toEqual({
      [w.assets.claimed]: { uploaded_by: null, upload_source: 'citizen', deleted_by: null },
      // The expiry recorded the account as the deleter; the system deleted it.
      [w.assets.expired]: { uploaded_by: null, upload_source: 'citizen', deleted_by: null },
      [w.assets.staffs]: { uploaded_by: w.staff, upload_source: 'staff', deleted_by: w.staff },
      [w.assets.repurposeds]: { uploaded_by: w.repurposed, upload_source: 'staff', deleted_by: null },
    })
  })

  it('removes the account and what was attached to it, keeping real accounts', async () => {
    const left = await inScope(t.db, systemScope, async (trx) => ({
      users: (await trx.selectFrom('users').select('id').where('id', 'in', [w.staff, w.uploader, w.repurposed]).execute()).map((r) => r.id).sort(),
      memberships: await trx.selectFrom('memberships').select('id').where('user_id', '=', w.uploader).execute(),
    }))
    expect(left).toEqual({ users: [w.staff, w.repurposed].sort(), memberships: [] })
  })

  it('keeps every audit entry as it was, the chain verifiable', async () => {
    const after = await inScope(t.db, systemScope, (trx) => trx.selectFrom('audit_log').selectAll().orderBy('seq').execute())
    expect(after).toEqual(auditBefore)
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, checked: auditBefore.length })
  })

  it('refuses an uploader and a source that disagree', async () => {
    const insert = (uploadedBy: string | null, source: string) => inScope(t.db, systemScope, (trx) => sql`
      insert into assets (tenant_id, kind, sha256, mime_type, size, metadata, renditions, media, uploaded_by, upload_source)
      select tenant_id, kind, sha256, mime_type, size, '{}', '[]', '{}', ${uploadedBy}, ${source} from assets where id = ${w.assets.claimed}`.execute(trx))
    await expect(insert(null, 'staff')).rejects.toThrow(/assets_uploader_matches_source/)
    await expect(insert(w.staff, 'citizen')).rejects.toThrow(/assets_uploader_matches_source/)
    await expect(insert(null, 'someone')).rejects.toThrow(/assets_upload_source_check/)
    await expect(insert(null, 'citizen')).resolves.toBeDefined()
  })
})

describe('migration 0011 when the audit log names such an account', { timeout: 60_000 }, () => {
  let t: { db: Database; drop(): Promise<void> } | undefined
  afterEach(async () => { await t?.drop() }, 60_000)

  it('stops with the reason and changes nothing (the hash-chained log cannot be rewritten)', async () => {
    t = await databaseAt(BEFORE)
    const w = await seedBefore(t.db)
    await inScope(t.db, systemScope, (trx) => appendAudit(trx, { action: 'odd.case', tenantId: w.center, actorId: w.uploader, actorName: 'citizen-uploads' }))
    await expect(migrateUpTo(t.db, BEFORE + 1)).rejects.toThrow(/named as actor in the audit log/)
    const state = await inScope(t.db, systemScope, async (trx) => ({
      applied: (await trx.selectFrom('schema_migrations').select('version').execute()).length,
      uploader: (await trx.selectFrom('users').select('id').where('id', '=', w.uploader).execute()).length,
      column: (await sql<{ n: string }>`select count(*)::text as n from information_schema.columns where table_name = 'assets' and column_name = 'upload_source'`.execute(trx)).rows[0].n,
    }))
    expect(state).toEqual({ applied: BEFORE, uploader: 1, column: '0' })
    expect((await verifyAuditChain(t.db)).ok).toBe(true)
  })
})
