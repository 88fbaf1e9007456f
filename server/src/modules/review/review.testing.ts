import zlib from 'node:zlib'
import { expect } from 'vitest'
import { inScope, systemScope } from '../../db/scope.js'
import { signIn, type Client, type TestApp } from '../../../test/harness.js'

/** Factories for the review tests: people, stories and the acts of 三审三校 through the HTTP API. */

export type Crew = Record<'reporter' | 'editor' | 'section' | 'chief' | 'proofreader' | 'leader', Client>

/** The district-a newsroom, signed in. */
export async function signInCrew(t: TestApp, center = 'district-a'): Promise<Crew> {
  const crew = {} as Crew
  for (const name of ['reporter', 'editor', 'section', 'chief', 'proofreader', 'leader'] as const) crew[name] = await signIn(t.app, `${center}.${name}`)
  return crew
}

/** Gives a demo user one more built-in role in a tenant (test setup, not the API under test). */
export async function grantRole(t: TestApp, { username, role, tenant }: { username: string; role: string; tenant: string }): Promise<void> {
  await inScope(t.db, systemScope, async (trx) => {
    const user = await trx.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()
    const roleRow = await trx.selectFrom('roles').select('id').where('code', '=', role).where('tenant_id', 'is', null).executeTakeFirstOrThrow()
    const tenantRow = await trx.selectFrom('tenants').select('id').where('slug', '=', tenant).executeTakeFirstOrThrow()
    await trx.insertInto('memberships').values({ tenant_id: tenantRow.id, user_id: user.id, role_id: roleRow.id }).execute()
  })
}

export async function userId(t: TestApp, username: string): Promise<string> {
  return inScope(t.db, systemScope, async (trx) => (await trx.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id)
}

/** A draft by `client`; returns its id. */
export async function createStory(client: Client, { title = '区政府召开常务会议研究部署重点工作', body = '<p>会议听取了全区经济运行情况汇报，研究部署下一阶段重点工作。</p>', ...rest }: Record<string, unknown> = {}): Promise<string> {
  const res = await client.post('/api/v1/stories', { title, body, kind: 'article', ...rest })
  expect(res.statusCode, res.body).toBe(201)
  return res.json().id
}

/** Saves new content as `client` (taking the edit lock), then lets the lock go so others can edit. */
export async function editStory(client: Client, id: string, fields: Record<string, unknown>) {
  const current = (await client.get(`/api/v1/stories/${id}`)).json()
  const res = await client.put(`/api/v1/stories/${id}`, { baseVersion: current.versionNumber, ...fields })
  expect(res.statusCode, res.body).toBe(200)
  await client.delete(`/api/v1/stories/${id}/lock`)
  return res.json()
}

export async function submit(client: Client, id: string) {
  return client.post(`/api/v1/stories/${id}/submit`)
}

export async function decide(client: Client, id: string, decision: 'approve' | 'return' | 'reject', extra: Record<string, unknown> = {}) {
  return client.post(`/api/v1/stories/${id}/decisions`, { decision, comment: decision === 'approve' ? '同意' : '请修改', ...extra })
}

export async function proofread(client: Client, id: string, body: Record<string, unknown> = { marks: [], comment: '已校' }) {
  return client.post(`/api/v1/stories/${id}/proofreads`, body)
}

/** Sets the tenant's workflow (as the chief editor, who holds story.rules.manage). */
export async function setWorkflow(chief: Client, workflow: Record<string, unknown>) {
  const res = await chief.put('/api/v1/review/workflow', {
    stages: [
      { key: 'first', name: '初审', permission: 'story.review.first' },
      { key: 'second', name: '复审', permission: 'story.review.second' },
      { key: 'final', name: '终审', permission: 'story.review.final' },
    ],
    restartPolicy: 'from_start', ...workflow,
  })
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

export function expectOk(res: { statusCode: number; body: string }, status = 200) {
  expect(res.statusCode, res.body).toBe(status)
}

/** The event types and audit actions recorded about one story, in order. */
export async function trailOf(t: TestApp, storyId: string) {
  return inScope(t.db, systemScope, async (trx) => ({
    events: (await trx.selectFrom('outbox_events').select(['type', 'payload']).orderBy('id').execute())
      .filter((e) => (e.payload as { storyId?: string }).storyId === storyId).map((e) => e.type),
    audit: (await trx.selectFrom('audit_log').select(['action', 'outcome']).where('target_id', '=', storyId).orderBy('seq').execute())
      .map((a) => (a.outcome === 'success' ? a.action : `${a.action}:${a.outcome}`)),
  }))
}

/**
 * The text drawn in a PDF made by pdfkit: the glyph codes of every TJ operator mapped back to
 * Unicode through the fonts' ToUnicode CMaps (what a copy-paste from a PDF reader gives).
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1')
  const streams: string[] = []
  for (const match of raw.matchAll(/stream\r?\n/g)) {
    const start = match.index + match[0].length
    try {
      streams.push(zlib.inflateSync(pdf.subarray(start, raw.indexOf('endstream', start))).toString('latin1'))
    } catch {
      // Font programs and images are not text.
    }
  }
  const unicode = new Map<number, string>()
  const hex = (h: string) => Number.parseInt(h, 16)
  const char = (h: string) => String.fromCodePoint(hex(h))
  for (const cmap of streams.filter((s) => s.includes('begincmap'))) {
    for (const [, from, , list] of cmap.matchAll(/<([0-9a-f]+)>\s*<([0-9a-f]+)>\s*\[([^\]]*)\]/gi)) {
      [...list.matchAll(/<([0-9a-f]+)>/gi)].forEach(([, h], i) => unicode.set(hex(from) + i, char(h)))
    }
  }
  const lines: string[] = []
  for (const content of streams.filter((s) => s.includes(' TJ'))) {
    for (const [, array] of content.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      lines.push([...array.matchAll(/<([0-9a-f]+)>/gi)].map(([, h]) => (h.match(/.{4}/g) ?? []).map((code) => unicode.get(hex(code)) ?? '').join('')).join(''))
    }
  }
  return lines.join('\n')
}
