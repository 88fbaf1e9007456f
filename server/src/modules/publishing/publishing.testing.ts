import { expect } from 'vitest'
import { inScope, systemScope } from '../../db/scope.js'
import { dispatchEvents } from '../../kernel/events.js'
import { createSecretBox, loadSecretKey } from '../../kernel/secrets.js'
import { signIn, type Client, type TestApp } from '../../../test/harness.js'
import { createStory, decide, editStory, expectOk, grantRole, proofread, signInCrew, submit, type Crew } from '../review/review.testing.js'
import { runDueJobs, type RunnerDeps } from './publishing.jobs.js'
import { channelsFor, publishingSubscriptions } from './publishing.runtime.js'

/** Factories for the publishing tests: a signed-off story, the queue run by hand, the ids of seeded accounts. */

export interface Newsroom {
  crew: Crew
  operator: Client
}

/** The district-a newsroom; the operator doubles as a proofreader so three 校对 rounds can alternate. */
export async function newsroom(t: TestApp, center = 'district-a'): Promise<Newsroom> {
  await grantRole(t, { username: `${center}.operator`, role: 'proofreader', tenant: center })
  return { crew: await signInCrew(t, center), operator: await signIn(t.app, `${center}.operator`) }
}

/** Takes a story (new, or an edited one) through 初审, 复审, 终审 and three 校对 rounds. */
export async function signOff(room: Newsroom, id: string): Promise<void> {
  expectOk(await submit(room.crew.reporter, id))
  expectOk(await decide(room.crew.editor, id, 'approve'))
  expectOk(await decide(room.crew.section, id, 'approve'))
  expectOk(await decide(room.crew.chief, id, 'approve'))
  expectOk(await proofread(room.crew.proofreader, id))
  expectOk(await proofread(room.operator, id))
  const last = await proofread(room.crew.proofreader, id)
  expectOk(last)
  expect(last.json().state).toBe('signed_off')
}

export async function signedOffStory(room: Newsroom, fields: Record<string, unknown> = {}): Promise<string> {
  const id = await createStory(room.crew.reporter, { section: '时政', tags: ['常务会议'], summary: '区政府常务会议部署下一阶段工作。', ...fields })
  await signOff(room, id)
  return id
}

/** Edits a signed-off story (which sends it back into review) and signs it off again. */
export async function reviseAndSignOff(room: Newsroom, id: string, fields: Record<string, unknown>): Promise<void> {
  await editStory(room.crew.chief, id, fields)
  // The edit restarted review from the start; the cycle continues (no new submission needed).
  expectOk(await decide(room.crew.editor, id, 'approve'))
  expectOk(await decide(room.crew.section, id, 'approve'))
  expectOk(await decide(room.crew.chief, id, 'approve'))
  const state = (await room.crew.reporter.get(`/api/v1/stories/${id}`)).json()
  if (state.state !== 'signed_off') {
    expectOk(await proofread(room.crew.proofreader, id))
    expectOk(await proofread(room.operator, id))
    expectOk(await proofread(room.crew.proofreader, id))
  }
}

/** The runner's dependencies for a test app (same secret key as the app). */
export function runnerDeps(t: TestApp, extra: Partial<RunnerDeps> = {}): RunnerDeps {
  return { db: t.db, secretBox: createSecretBox(loadSecretKey(t.config)), publicUrl: t.config.publicUrl, channels: channelsFor(t.db), pollMs: 1000, ...extra }
}

/** Runs due jobs until none is left at `now`. */
export async function drain(t: TestApp, extra: Partial<RunnerDeps> = {}): Promise<number> {
  let total = 0
  for (let i = 0; i < 20; i++) {
    const n = await runDueJobs(runnerDeps(t, extra))
    total += n
    if (n === 0) break
  }
  return total
}

/** Delivers pending outbox events to the publishing subscriptions only. */
export async function deliverEvents(t: TestApp): Promise<void> {
  const map = new Map<string, Array<(typeof publishingSubscriptions)[number][1]>>()
  for (const [type, handler] of publishingSubscriptions) map.set(type, [...(map.get(type) ?? []), handler])
  while ((await dispatchEvents(t.db, map)) > 0) { /* until empty */ }
}

export async function accountIds(client: Client): Promise<Record<string, string>> {
  const res = await client.get('/api/v1/accounts')
  expectOk(res)
  return Object.fromEntries((res.json().items as Array<{ id: string; channel: string }>).map((a) => [a.channel, a.id]))
}

export async function eventsOf(t: TestApp, type: string): Promise<Array<Record<string, unknown>>> {
  return inScope(t.db, systemScope, async (trx) => (await trx.selectFrom('outbox_events').select('payload').where('type', '=', type).orderBy('id').execute()).map((r) => r.payload as Record<string, unknown>))
}

export async function auditActions(t: TestApp, prefix: string): Promise<string[]> {
  return inScope(t.db, systemScope, async (trx) => (await trx.selectFrom('audit_log').select(['action', 'outcome']).where('action', 'like', `${prefix}%`).orderBy('seq').execute()).map((r) => (r.outcome === 'success' ? r.action : `${r.action}:${r.outcome}`)))
}
