import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../app.js'
import type { Config } from '../config.js'
import type { Database } from '../db/database.js'
import { inScope, systemScope } from '../db/scope.js'

/**
 * Example work in the two demo centers, so that a first look at the console finds stories at
 * every step of 三审三校, a story out on the website and feeds, and citizens' messages at every
 * step of handling, instead of empty lists.
 *
 * Everything is made the way people make it: through the HTTP API, signed in as the demo users,
 * so the examples carry real versions, review records, audit entries, events and deadlines. The
 * publications are queued here and sent by the workers once the server runs.
 *
 * Runs in an app of its own (its own rate-limit counters: the sign-ins and submissions here do not
 * count against the people who sign in next) on the same database, closed afterwards.
 */

export interface ExamplesResult {
  centers: string[]
  stories: number
  tickets: number
  /** Centers skipped because they already hold stories (the examples are made once). */
  skipped: string[]
}

const CENTERS = { 'district-a': '东湖', 'district-b': '西山' } as const
type Center = keyof typeof CENTERS

/** A signed-in demo user: the session cookie and the CSRF token on every unsafe request. */
interface Session {
  username: string
  call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown): Promise<Record<string, any>>
}

class ExampleStepFailed extends Error {}

function bodyOf(res: LightMyRequestResponse, what: string): Record<string, any> {
  if (res.statusCode >= 300) {
    let detail = res.body
    try { detail = res.json().detail ?? res.body } catch { /* not JSON */ }
    throw new ExampleStepFailed(`${what}: ${res.statusCode} ${detail}`)
  }
  return res.body ? res.json() : {}
}

async function signIn(app: FastifyInstance, username: string, password: string): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } })
  const { csrfToken } = bodyOf(res, `sign-in of ${username}`)
  const cookie = res.cookies.find((c) => c.name === 'rongmei_session')
  if (!cookie) throw new ExampleStepFailed(`sign-in of ${username}: no session cookie`)
  return {
    username,
    async call(method, url, payload) {
      const options: InjectOptions = { method, url, headers: { cookie: `rongmei_session=${cookie.value}`, ...(method === 'GET' ? {} : { 'x-csrf-token': csrfToken }) } }
      if (payload !== undefined) options.payload = payload as InjectOptions['payload']
      return bodyOf(await app.inject(options), `${username} ${method} ${url}`)
    },
  }
}

interface ExampleStory { title: string; summary: string; section: string; tags: string[]; body: string }

function storiesOf(d: string): Record<'draft' | 'submitted' | 'atFinal' | 'signedOff' | 'published', ExampleStory> {
  return {
    draft: {
      title: `${d}区老旧小区加装电梯进展调查`, section: '民生服务', tags: ['老旧小区', '加装电梯'],
      summary: `记者走访${d}区三个老旧小区，了解加装电梯的协商、审批和施工进展。`,
      body: `<p>今年以来，${d}区已有二十余个老旧小区单元提出加装电梯申请。记者走访了其中三个小区，听居民讲协商中的难处。</p><p>（待补充：街道和住建部门的采访内容。）</p>`,
    },
    submitted: {
      title: `${d}区启动冬季供暖设施安全检查`, section: '民生服务', tags: ['供暖', '安全检查'],
      summary: `${d}区组织住建、应急等部门对辖区供暖设施开展为期两周的安全检查。`,
      body: `<p>为保障群众温暖过冬，${d}区近日启动冬季供暖设施安全检查，住建、应急管理等部门组成联合检查组，对辖区换热站、供热管网和锅炉房逐一排查。</p><p>检查组将重点查看设备运行记录、应急预案和值守安排，发现问题当场交办、限期整改。居民发现供暖异常，可通过区融媒体中心网站留言反映。</p>`,
    },
    atFinal: {
      title: `${d}区图书馆周末开放时间延长至晚九点`, section: '文化旅游', tags: ['图书馆', '公共文化'],
      summary: `自下周起，${d}区图书馆周六、周日开放时间延长至21时。`,
      body: `<p>记者从${d}区文化和旅游部门获悉，自下周起，区图书馆周六、周日的开放时间由17时延长至21时，自习区和少儿阅览区同步开放。</p><p>图书馆负责人介绍，延长开放时间是根据读者意见作出的调整，晚间还将不定期举办读书分享活动。</p>`,
    },
    signedOff: {
      title: `${d}区公布明年民生实事候选项目`, section: '时政要闻', tags: ['民生实事', '征求意见'],
      summary: `${d}区公布十项民生实事候选项目，向市民征求意见。`,
      body: `<p>${d}区近日公布明年民生实事候选项目，涵盖养老服务、托育、道路改造、菜市场提升等十个方面，面向社会征求意见。</p><p>市民可在本月底前通过区融媒体中心网站留言，或到所在街道填写意见表。区政府将根据意见汇总情况确定最终项目，并向社会公布。</p>`,
    },
    published: {
      title: `${d}区新增十二处公共充电桩`, section: '民生服务', tags: ['新能源', '充电桩'],
      summary: `${d}区在公园、菜市场和医院周边新增十二处公共充电桩，已全部投入使用。`,
      body: `<p>为方便新能源汽车车主就近充电，${d}区今年在公园、菜市场和医院周边新增十二处公共充电桩，共计九十六个充电车位，目前已全部投入使用。</p><p>车主可通过手机应用查询空闲车位和收费标准。区发展改革部门表示，明年将继续在居民小区周边布点。</p>`,
    },
  }
}

interface ExampleTicket { kind: string; category: string; title: string; text: string; address: string; name: string; phone: string }

function ticketsOf(d: string, center: Center): Record<'fresh' | 'routed' | 'inProgress' | 'inReview' | 'answered', ExampleTicket> {
  // Distinct phones per center and ticket: the duplicate guard and the per-phone limits count by phone.
  const phone = (n: number) => `1390000${center === 'district-a' ? '1' : '2'}${String(n).padStart(3, '0')}`
  return {
    fresh: {
      kind: 'consultation', category: 'social', title: '灵活就业人员怎么缴纳养老保险', address: `${d}区`, name: '王女士', phone: phone(1),
      text: '我今年开始做自由职业，想了解灵活就业人员缴纳养老保险需要带哪些材料、在哪里办理，能不能在手机上办？',
    },
    routed: {
      kind: 'complaint', category: 'environment', title: '工地夜间施工噪声扰民', address: `${d}区滨河路与建设街交叉口`, name: '李先生', phone: phone(2),
      text: '滨河路与建设街路口的工地最近一周每天晚上十一点以后还在施工，噪声很大，附近居民休息受到影响，希望有关部门管一管。',
    },
    inProgress: {
      kind: 'help', category: 'road', title: '文化路北段路灯不亮', address: `${d}区文化路北段`, name: '赵先生', phone: phone(3),
      text: '文化路北段有五六盏路灯连续几天晚上都不亮，路上很黑，老人孩子晚上出门不安全。',
    },
    inReview: {
      kind: 'suggestion', category: center === 'district-a' ? 'housing' : 'social', title: '建议在小区增设电动自行车充电点', address: `${d}区和平小区`, name: '孙女士', phone: phone(4),
      text: '小区里电动自行车越来越多，有人从楼上拉电线充电，很不安全。建议在小区空地集中建设充电点。',
    },
    answered: {
      kind: 'help', category: 'road', title: '人行道地砖松动', address: `${d}区人民路88号附近`, name: '周先生', phone: phone(5),
      text: '人民路88号门口的人行道地砖有好几块松动，下雨天一踩就溅水，请安排维修。',
    },
  }
}

async function centerHasStories(db: Database, slug: string): Promise<boolean> {
  return inScope(db, systemScope, async (trx) => Boolean(await trx.selectFrom('stories as s').innerJoin('tenants as t', 't.id', 's.tenant_id')
    .select('s.id').where('t.slug', '=', slug).limit(1).executeTakeFirst()))
}

async function seedCenter(app: FastifyInstance, center: Center, password: string): Promise<{ stories: number; tickets: number }> {
  const d = CENTERS[center]
  const as = async (role: string) => signIn(app, `${center}.${role}`, password)
  const [reporter, editor, section, chief, proofreader, proofreader2, operator, dispatcher, handler] = await Promise.all(
    ['reporter', 'editor', 'section', 'chief', 'proofreader', 'proofreader2', 'operator', 'dispatcher', 'handler'].map(as))
  const stories = storiesOf(d)

  const create = async (s: ExampleStory) => (await reporter!.call('POST', '/api/v1/stories', { kind: 'article', ...s })).id as string
  const approve = (who: Session, id: string) => who.call('POST', `/api/v1/stories/${id}/decisions`, { decision: 'approve', comment: '同意' })
  const proofread = (who: Session, id: string) => who.call('POST', `/api/v1/stories/${id}/proofreads`, { marks: [], comment: '已校对' })
  const signOff = async (id: string) => {
    await reporter!.call('POST', `/api/v1/stories/${id}/submit`)
    for (const who of [editor, section, chief]) await approve(who!, id)
    // 三校: the same person may not read two rounds in a row.
    for (const who of [proofreader, proofreader2, proofreader]) await proofread(who!, id)
  }

  await create(stories.draft)
  await reporter!.call('POST', `/api/v1/stories/${await create(stories.submitted)}/submit`)
  const atFinal = await create(stories.atFinal)
  await reporter!.call('POST', `/api/v1/stories/${atFinal}/submit`)
  for (const who of [editor, section]) await approve(who!, atFinal)
  await signOff(await create(stories.signedOff))
  const published = await create(stories.published)
  await signOff(published)
  const accounts = (await operator!.call('GET', '/api/v1/accounts')).items as Array<{ id: string; channel: string; status: string }>
  const ownChannels = accounts.filter((a) => (a.channel === 'website' || a.channel === 'rss') && a.status === 'active').map((a) => a.id)
  if (ownChannels.length > 0) await operator!.call('POST', `/api/v1/stories/${published}/publications`, { accounts: ownChannels })

  const tickets = ticketsOf(d, center)
  const submit = async (t: ExampleTicket) => {
    const made = await app.inject({ method: 'POST', url: `/api/v1/public/${center}/tickets`, payload: { ...t, isNamePublic: false, consent: true } })
    const { number, lookupCode } = bodyOf(made, `${center} message "${t.title}"`)
    const found = (await dispatcher!.call('GET', `/api/v1/tickets?q=${encodeURIComponent(number)}`)).items as Array<{ id: string }>
    if (!found[0]) throw new ExampleStepFailed(`${center} message ${number} is not in the dispatcher's inbox`)
    submitted.set(found[0].id, { lookupCode, phoneLast4: t.phone.slice(-4) })
    return found[0].id
  }
  const submitted = new Map<string, { lookupCode: string; phoneLast4: string }>()
  const route = async (id: string) => {
    const detail = await dispatcher!.call('GET', `/api/v1/tickets/${id}`)
    await dispatcher!.call('POST', `/api/v1/tickets/${id}/accept`, { note: '内容清楚，予以受理' })
    const lead = detail.suggestedDepartment?.id
    if (!lead) throw new ExampleStepFailed(`${center} message "${detail.title}": no department suggested by the routing rules`)
    await dispatcher!.call('POST', `/api/v1/tickets/${id}/route`, { leadDepartmentId: lead })
  }
  const work = async (id: string, note: string) => {
    await route(id)
    await handler!.call('POST', `/api/v1/tickets/${id}/sign-for`)
    await handler!.call('POST', `/api/v1/tickets/${id}/progress`, { note, isPublic: true })
  }
  const reply = (id: string, body: string) => handler!.call('POST', `/api/v1/tickets/${id}/replies`, { body })

  await submit(tickets.fresh)
  await route(await submit(tickets.routed))
  await work(await submit(tickets.inProgress), '已联系路灯维护单位，安排夜间巡查检修。')
  const inReview = await submit(tickets.inReview)
  await work(inReview, '已与物业和社区沟通，正在选址。')
  await reply(inReview, `孙女士您好：您的建议已收悉。经与社区和物业共同勘察，拟在和平小区东侧空地建设集中充电点，预计两个月内完工。感谢您对${d}区工作的支持！`)
  const answered = await submit(tickets.answered)
  await work(answered, '已派维修人员现场查看。')
  const replied = await reply(answered, `周先生您好：您反映的人民路88号附近人行道地砖松动问题，我单位已于收到留言次日完成维修。欢迎继续监督！`)
  const replyId = (replied.replies as Array<{ id: string }>).at(-1)?.id
  if (replyId && replied.state === 'reply_review') await dispatcher!.call('POST', `/api/v1/tickets/${answered}/replies/${replyId}/review`, { decision: 'approve', note: '同意发布' })
  // The citizen reads the answer on the lookup page and rates it.
  const rating = await app.inject({ method: 'POST', url: `/api/v1/public/${center}/tickets/rating`, payload: { ...submitted.get(answered), rating: 'satisfied', comment: '修得很及时，谢谢！' } })
  bodyOf(rating, `${center} rating of "${tickets.answered.title}"`)
  return { stories: Object.keys(stories).length, tickets: Object.keys(tickets).length }
}

/**
 * Makes the example work in each demo center that holds no story yet.
 * @example await seedDemoExamples({ config, db, password: config.demoPassword ?? DEFAULT_DEMO_PASSWORD })
 */
export async function seedDemoExamples({ config, db, password }: { config: Config; db: Database; password: string }): Promise<ExamplesResult> {
  const result: ExamplesResult = { centers: [], stories: 0, tickets: 0, skipped: [] }
  const app = await buildApp({
    config: { ...config, logLevel: 'warn', loginRateLimitPerMinute: 1000, publicRateLimitPerMinute: 1000 },
    db,
  })
  try {
    for (const center of Object.keys(CENTERS) as Center[]) {
      if (await centerHasStories(db, center)) { result.skipped.push(center); continue }
      const made = await seedCenter(app, center, password)
      result.centers.push(center)
      result.stories += made.stories
      result.tickets += made.tickets
    }
  } finally {
    await app.close()
  }
  return result
}
