import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditEntries } from '../../test/factories/tenancy.js'
import { buildTestApp, createTestDatabase, DEMO_PASSWORD, signIn, testDbKind, type TestApp } from '../../test/harness.js'
import { openPGlite, type Database } from '../db/database.js'
import { inScope, systemScope } from '../db/scope.js'
import { verifyPassword } from '../modules/identity/password.js'
import { seedDemo } from '../seed/demo.js'
import { addRoleAction, createUserAction, resetPasswordAction } from './user.js'

const run = promisify(execFile)
const temporaryPasswordIn = (lines: string[]) => /Temporary password[^:]*: (\S+)$/m.exec(lines.join('\n'))?.[1]

async function membershipsOf(db: Database, username: string) {
  return inScope(db, systemScope, (trx) => trx.selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id').innerJoin('roles as r', 'r.id', 'm.role_id').innerJoin('tenants as t', 't.id', 'm.tenant_id')
    .select(['r.code', 't.slug', 'm.extends_to_descendants']).where('u.username', '=', username).orderBy('m.created_at').execute())
}

describe('rongmei user (command actions)', { timeout: 30_000 }, () => {
  let t: TestApp
  beforeAll(async () => { t = await buildTestApp() }, 60_000)
  afterAll(async () => { await t.close() }, 60_000)

  it('creates a user with one role and a temporary password, audited as the cli', async () => {
    const lines = await createUserAction(t.db, 'cli-editor', { tenant: 'district-a', role: 'editor', displayName: '命令行编辑' })
    const password = temporaryPasswordIn(lines)!
    expect(password).toHaveLength(16)
    expect(await membershipsOf(t.db, 'cli-editor')).toEqual([{ code: 'editor', slug: 'district-a', extends_to_descendants: false }])
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'cli-editor', password } })
    expect(login.json()).toMatchObject({ mustChangePassword: true, user: { displayName: '命令行编辑' } })
    const entry = (await auditEntries(t.db, 'user.create'))[0]
    expect(entry).toMatchObject({ actor_name: 'cli', actor_id: null, details: expect.objectContaining({ username: 'cli-editor' }) })
    expect((await auditEntries(t.db, 'membership.add'))[0].actor_name).toBe('cli')
  })

  it('grants more roles, here over a subtree, refusing a duplicate', async () => {
    expect(await addRoleAction(t.db, 'cli-editor', { tenant: 'district-a', role: 'center_leader', extends: true })).toEqual([
      'Granted center_leader at district-a and below to cli-editor.',
    ])
    expect(await membershipsOf(t.db, 'cli-editor')).toContainEqual({ code: 'center_leader', slug: 'district-a', extends_to_descendants: true })
    await expect(addRoleAction(t.db, 'cli-editor', { tenant: 'district-a', role: 'center_leader' })).rejects.toThrow(/MEMBERSHIP_EXISTS/)
  })

  it('resets a password: prints a new temporary one and ends the sessions', async () => {
    const session = await signIn(t.app, 'district-b.editor')
    const password = temporaryPasswordIn(await resetPasswordAction(t.db, 'district-b.editor'))!
    expect((await session.get('/api/v1/me')).statusCode).toBe(401)
    const stale = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'district-b.editor', password: DEMO_PASSWORD } })
    expect(stale.statusCode).toBe(401)
    await signIn(t.app, 'district-b.editor', { password })
    expect((await auditEntries(t.db, 'user.password_reset'))[0].actor_name).toBe('cli')
  })

  it('says what is wrong with unknown names and taken usernames', async () => {
    await expect(createUserAction(t.db, 'x-one', { tenant: 'nowhere', role: 'editor' })).rejects.toThrow('no tenant with slug "nowhere"')
    await expect(createUserAction(t.db, 'x-one', { tenant: 'district-a', role: 'pope' })).rejects.toThrow('no role "pope"')
    await expect(createUserAction(t.db, 'cli-editor', { tenant: 'district-a', role: 'editor' })).rejects.toThrow(/USERNAME_TAKEN/)
    await expect(resetPasswordAction(t.db, 'nobody')).rejects.toThrow('no user "nobody"')
    await expect(addRoleAction(t.db, 'nobody', { tenant: 'district-a', role: 'editor' })).rejects.toThrow('no user "nobody"')
  })
})

describe('rongmei user (the real command)', () => {
  const bin = path.resolve(import.meta.dirname, '../../../bin/rongmei.js')
  let env: NodeJS.ProcessEnv
  let dataDir: string
  let drop = async () => {}
  let openForCheck: () => Promise<{ db: Database; close(): Promise<void> }>

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rongmei-cli-'))
    env = { ...process.env, RONGMEI_DATA_DIR: dataDir, RONGMEI_DEMO_PASSWORD: DEMO_PASSWORD, DATABASE_URL: '' }
    if (testDbKind === 'postgres') {
      const testDb = await createTestDatabase()
      await seedDemo(testDb.db, { password: DEMO_PASSWORD })
      env.DATABASE_URL = testDb.url
      drop = testDb.drop
      openForCheck = async () => ({ db: testDb.db, close: async () => {} })
    } else {
      await run(process.execPath, [bin, 'seed', '--demo'], { env })
      openForCheck = async () => {
        const db = await openPGlite(dataDir)
        return { db, close: () => db.close() }
      }
    }
  }, 120_000)
  afterAll(async () => {
    await drop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it('creates a user, adds a role and resets the password from the shell', async () => {
    const created = await run(process.execPath, [bin, 'user', 'create', 'shell-admin', '--tenant', 'demo', '--role', 'platform_admin', '--extends', '--display-name', '值班管理员'], { env })
    const first = temporaryPasswordIn(created.stdout.trim().split('\n'))!
    expect(first).toHaveLength(16)
    await run(process.execPath, [bin, 'user', 'add-role', 'shell-admin', '--tenant', 'district-b', '--role', 'inspector'], { env })
    const reset = await run(process.execPath, [bin, 'user', 'reset-password', 'shell-admin'], { env })
    const second = temporaryPasswordIn(reset.stdout.trim().split('\n'))!
    expect(second).not.toBe(first)

    const failed = await run(process.execPath, [bin, 'user', 'add-role', 'shell-admin', '--tenant', 'district-b', '--role', 'inspector'], { env }).catch((e: { code: number; stderr: string }) => e)
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining('MEMBERSHIP_EXISTS') })

    const check = await openForCheck()
    try {
      const user = await inScope(check.db, systemScope, (trx) => trx.selectFrom('users').select(['password_hash', 'must_change_password', 'display_name']).where('username', '=', 'shell-admin').executeTakeFirstOrThrow())
      expect(user).toMatchObject({ must_change_password: true, display_name: '值班管理员' })
      expect(await verifyPassword(user.password_hash, second)).toBe(true)
      expect(await membershipsOf(check.db, 'shell-admin')).toEqual([
        { code: 'platform_admin', slug: 'demo', extends_to_descendants: true },
        { code: 'inspector', slug: 'district-b', extends_to_descendants: false },
      ])
    } finally {
      await check.close()
    }
  }, 120_000)
})
