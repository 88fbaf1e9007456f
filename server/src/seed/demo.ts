import { sql } from 'kysely'
import type { Database } from '../db/database.js'
import { inScope, systemScope, type Tx } from '../db/scope.js'
import { appendAudit } from '../kernel/audit.js'
import { hashPassword } from '../modules/identity/password.js'
import { seedInteractionDemo } from './interaction.js'

export const DEFAULT_DEMO_PASSWORD = 'Rongmei@Demo2026'

interface DemoTenant { slug: string; name: string; kind: 'platform' | 'center' | 'unit'; parent?: string }

const tenants: DemoTenant[] = [
  { slug: 'demo', name: '示例市融媒体中心', kind: 'platform' },
  { slug: 'district-a', name: '示例市东湖区融媒体中心', kind: 'center', parent: 'demo' },
  { slug: 'district-b', name: '示例市西山区融媒体中心', kind: 'center', parent: 'demo' },
  { slug: 'district-a-gov', name: '东湖区人民政府办公室', kind: 'unit', parent: 'district-a' },
  { slug: 'district-a-edu', name: '东湖区教育局', kind: 'unit', parent: 'district-a' },
  { slug: 'district-a-health', name: '东湖区卫生健康局', kind: 'unit', parent: 'district-a' },
  { slug: 'district-b-gov', name: '西山区人民政府办公室', kind: 'unit', parent: 'district-b' },
  { slug: 'district-b-housing', name: '西山区住房和城乡建设局', kind: 'unit', parent: 'district-b' },
  { slug: 'district-b-qingshi', name: '西山区青石街道办事处', kind: 'unit', parent: 'district-b' },
]

/** Per-center demo users: `<center>.<name>` holding `role`, at the center or at its `-gov` unit. */
const centerUsers: Array<{ name: string; role: string; displayName: string; atGovUnit?: boolean; extends?: boolean }> = [
  { name: 'reporter', role: 'reporter', displayName: '记者' },
  { name: 'editor', role: 'editor', displayName: '编辑（初审）' },
  { name: 'section', role: 'section_head', displayName: '部门主任（复审）' },
  { name: 'chief', role: 'chief_editor', displayName: '总编辑（终审）' },
  { name: 'proofreader', role: 'proofreader', displayName: '校对' },
  // 三校 needs two proofreaders: the same person may not read two rounds in a row.
  { name: 'proofreader2', role: 'proofreader', displayName: '校对（二）' },
  { name: 'operator', role: 'operator', displayName: '运营' },
  { name: 'dispatcher', role: 'dispatcher', displayName: '留言分办员' },
  { name: 'handler', role: 'department_handler', displayName: '办理员', atGovUnit: true },
  { name: 'leader', role: 'center_leader', displayName: '中心领导', extends: true },
  { name: 'inspector', role: 'inspector', displayName: '巡检员', extends: true },
  { name: 'grid', role: 'grid_reporter', displayName: '网格员', atGovUnit: true },
]

const platformUsers = [
  { username: 'admin', role: 'platform_admin', displayName: '系统管理员' },
  { username: 'secadmin', role: 'security_admin', displayName: '安全管理员' },
  { username: 'auditor', role: 'auditor', displayName: '安全审计员' },
]

const districtNames: Record<string, string> = { 'district-a': '东湖', 'district-b': '西山' }

async function ensureTenant(trx: Tx, t: DemoTenant, ids: Map<string, { id: string; path: string[] }>): Promise<void> {
  const existing = await trx.selectFrom('tenants').select(['id', 'path']).where('slug', '=', t.slug).executeTakeFirst()
  if (existing) { ids.set(t.slug, existing); return }
  const parent = t.parent ? ids.get(t.parent) : undefined
  const row = await trx.insertInto('tenants').values({
    slug: t.slug, name: t.name, kind: t.kind, parent_id: parent?.id ?? null, path: sql`'{}'::uuid[]` as unknown as string[],
  }).returning('id').executeTakeFirstOrThrow()
  const path = [...(parent?.path ?? []), row.id]
  await trx.updateTable('tenants').set({ path }).where('id', '=', row.id).execute()
  ids.set(t.slug, { id: row.id, path })
}

export interface SeedResult {
  createdUsers: string[]
  password: string
  isPasswordDefault: boolean
}

/**
 * Creates the demo platform (idempotent: what exists is left as it is, passwords included).
 * Demo users are marked `is_demo`: no 2FA, no expiry, refused in production.
 */
export async function seedDemo(db: Database, { password }: { password?: string } = {}): Promise<SeedResult> {
  const demoPassword = password ?? DEFAULT_DEMO_PASSWORD
  const passwordHash = await hashPassword(demoPassword)
  const createdUsers: string[] = []
  await inScope(db, systemScope, async (trx) => {
    const ids = new Map<string, { id: string; path: string[] }>()
    for (const t of tenants) await ensureTenant(trx, t, ids)
    await seedInteractionDemo(trx, ids)
    await (await import('../modules/site/site.demo.js')).seedSiteDemo(trx, ids, districtNames)
    await (await import('../modules/publishing/publishing.seed.js')).seedPublishingDemo(trx, ids)
    const roleIds = new Map((await trx.selectFrom('roles').select(['id', 'code']).where('tenant_id', 'is', null).execute()).map((r) => [r.code, r.id]))

    const ensureUser = async (u: { username: string; displayName: string; role: string; tenant: string; extends: boolean }) => {
      const exists = await trx.selectFrom('users').select('id').where('username', '=', u.username).executeTakeFirst()
      if (exists) return
      const home = ids.get(u.tenant)!.id
      const user = await trx.insertInto('users').values({
        username: u.username, display_name: u.displayName, home_tenant_id: home, password_hash: passwordHash, is_demo: true,
      }).returning('id').executeTakeFirstOrThrow()
      await trx.insertInto('memberships').values({
        tenant_id: home, user_id: user.id, role_id: roleIds.get(u.role)!, extends_to_descendants: u.extends, is_primary: true,
      }).execute()
      await trx.insertInto('password_history').values({ user_id: user.id, password_hash: passwordHash }).execute()
      createdUsers.push(u.username)
    }
    for (const u of platformUsers) await ensureUser({ ...u, tenant: 'demo', extends: true })
    for (const center of ['district-a', 'district-b']) {
      for (const u of centerUsers) {
        await ensureUser({
          username: `${center}.${u.name}`, displayName: `${districtNames[center]}${u.displayName}`, role: u.role,
          tenant: u.atGovUnit ? `${center}-gov` : center, extends: Boolean(u.extends),
        })
      }
    }
    if (createdUsers.length > 0) {
      await appendAudit(trx, { action: 'seed.demo', actorName: 'system', tenantId: ids.get('demo')!.id, details: { users: createdUsers.length } })
    }
  })
  return { createdUsers, password: demoPassword, isPasswordDefault: password === undefined }
}

/** True when any enabled demo user exists (the server refuses to start so in production; disabled ones cannot sign in). */
export async function hasDemoUsers(db: Database): Promise<boolean> {
  return inScope(db, systemScope, async (trx) => Boolean(await trx.selectFrom('users').select('id')
    .where('is_demo', '=', true).where('is_disabled', '=', false).limit(1).executeTakeFirst()))
}

/** True when no tenant exists yet (`npm start` seeds the demo then). */
export async function isEmpty(db: Database): Promise<boolean> {
  return inScope(db, systemScope, async (trx) => !(await trx.selectFrom('tenants').select('id').limit(1).executeTakeFirst()))
}
