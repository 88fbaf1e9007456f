import type { Tx } from '../db/scope.js'
import { tokenHash } from '../kernel/secrets.js'
import { entryTerms } from '../modules/faq/faq.service.js'

/**
 * Demo data of citizens' messages (issue 5) for each center: a service catalogue, routing rules,
 * reply templates, a few knowledge-base entries and the Open311 API key the contract names.
 * Idempotent like the rest of the demo seed: what exists is left alone. (The holiday calendar is
 * not demo data: migration 0006 ships it for every installation.)
 */

export const DEMO_OPEN311_KEY = 'demo-open311-key'

interface DemoService {
  code: string
  name: string
  description: string
  group: string
  keywords: string
  defaultKind: 'consultation' | 'help' | 'complaint' | 'suggestion'
  notice: string
  attributes?: unknown[]
}

const services: DemoService[] = [
  {
    code: 'road', name: '道路交通', description: '道路破损、井盖、路灯、交通信号和标志标线等问题', group: '城市管理', keywords: '道路,井盖,路灯,红绿灯,停车',
    defaultKind: 'help', notice: '承办部门将在 3 个工作日内答复；存在安全隐患的请同时拨打 12345。',
    attributes: [{
      code: 'issue_type', datatype: 'singlevaluelist', required: false, variable: true, description: '问题类型', order: 1,
      values: [{ key: 'pothole', name: '路面坑洼' }, { key: 'manhole', name: '井盖缺失或破损' }, { key: 'streetlight', name: '路灯不亮' }, { key: 'signal', name: '信号灯故障' }],
    }],
  },
  {
    code: 'environment', name: '环境卫生', description: '垃圾清运、噪声扰民、油烟和污水排放等问题', group: '城市管理', keywords: '垃圾,噪声,油烟,污水,扰民',
    defaultKind: 'complaint', notice: '承办部门将在 13 个工作日内答复。',
    attributes: [{ code: 'period', datatype: 'string', required: false, variable: true, description: '问题发生的时段（如 每晚 22 点以后）', order: 1 }],
  },
  { code: 'housing', name: '住房物业', description: '物业服务、房屋维修、小区管理和老旧小区改造', group: '住房城建', keywords: '物业,维修,电梯,小区', defaultKind: 'complaint', notice: '承办部门将在 13 个工作日内答复。' },
  { code: 'education', name: '教育入学', description: '入学政策、学位咨询、校外培训和校园周边安全', group: '社会事业', keywords: '入学,学位,招生,学校', defaultKind: 'consultation', notice: '咨询类留言 3 个工作日内答复。' },
  { code: 'health', name: '医疗卫生', description: '医保报销、就医服务、疫苗接种和食品安全', group: '社会事业', keywords: '医保,医院,疫苗,报销', defaultKind: 'consultation', notice: '咨询类留言 3 个工作日内答复。' },
  { code: 'social', name: '社保就业', description: '社会保障卡、养老保险、就业创业和劳动权益', group: '民生保障', keywords: '社保,养老,就业,工资', defaultKind: 'consultation', notice: '咨询类留言 3 个工作日内答复。' },
  { code: 'other', name: '其他事项', description: '以上类别之外的意见建议', group: '综合', keywords: '建议,意见', defaultKind: 'suggestion', notice: '承办部门将在 13 个工作日内答复。' },
]

/** category → department slug suffix per center; `place` rules win when the address names the place. */
const routing: Record<string, Array<{ service: string; department: string; place?: string; priority?: number }>> = {
  'district-a': [
    { service: 'road', department: 'gov' }, { service: 'environment', department: 'gov' }, { service: 'housing', department: 'gov' },
    { service: 'education', department: 'edu' }, { service: 'health', department: 'health' }, { service: 'social', department: 'gov' },
    { service: 'other', department: 'gov' },
  ],
  'district-b': [
    { service: 'road', department: 'gov' }, { service: 'road', department: 'qingshi', place: '青石', priority: 10 },
    { service: 'environment', department: 'gov' }, { service: 'environment', department: 'qingshi', place: '青石', priority: 10 },
    { service: 'housing', department: 'housing' }, { service: 'education', department: 'gov' }, { service: 'health', department: 'gov' },
    { service: 'social', department: 'gov' }, { service: 'other', department: 'gov' },
  ],
}

const templates = [
  { name: '通用答复', body: '您好！您反映的问题已收悉。经我单位核查：……\n处理结果：……\n如有疑问，可在工作日致电……咨询。感谢您对我们工作的关心和支持！' },
  { name: '政策咨询答复', body: '您好！关于您咨询的问题，答复如下：……\n政策依据：……\n感谢您的来信！' },
]

function faqEntries(district: string, hasEdu: boolean, hasHealth: boolean) {
  return [
    {
      question: '社会保障卡丢失了怎么补办？', variants: ['社保卡丢了去哪里补办', '补办社保卡需要带什么材料'], owner: 'gov',
      answer: `社会保障卡遗失后，请先拨打 12333 或通过“电子社保卡”小程序办理挂失，再携带本人有效身份证件到${district}人社服务大厅或合作银行网点申请补卡。补卡一般需要 5 至 10 个工作日，也可以选择邮寄到家。`,
    },
    {
      question: '孩子上小学一年级什么时候报名？', variants: ['一年级新生什么时候登记', '小学招生报名时间和材料'], owner: hasEdu ? 'edu' : 'gov',
      answer: `${district}公办小学新生入学信息登记一般在每年 5 月中旬开始，具体时间以区教育部门当年发布的招生公告为准。登记时请准备户口簿、房产证明或居住证明、适龄儿童出生证明等材料。`,
    },
    {
      question: '在外地看病需要先办医保备案吗？', variants: ['异地就医怎么报销', '跨省就医备案怎么办'], owner: hasHealth ? 'health' : 'gov',
      answer: `参保人员跨省异地就医前，可通过国家医保服务平台 App、${district}医保公众号或医保经办窗口办理备案。备案后在就医地定点医疗机构可直接结算；未备案的，回参保地按规定手工报销。`,
    },
    {
      question: '小区附近夜间施工噪音太大向谁反映？', variants: ['晚上施工扰民怎么办', '夜间噪声投诉'], owner: 'gov',
      answer: '夜间（22 时至次日 6 时）施工须取得夜间施工许可。遇到夜间施工噪声扰民，可在留言时选择“环境卫生”类别并写明施工地点和时段，我们将转交城市管理和生态环境部门核查处理；情况紧急的也可拨打 12345 热线。',
    },
    {
      question: '路灯不亮、井盖丢失在哪里反映？', variants: ['井盖没了找谁', '路灯坏了怎么报修'], owner: 'gov',
      answer: '路灯、井盖、道路破损等问题可通过本平台“道路交通”类别留言，请写明具体位置（路名、门牌号或附近标志物）。井盖缺失有安全隐患，请先在周围设置警示并拨打 12345 紧急处置。',
    },
  ]
}

const districtNames: Record<string, string> = { 'district-a': '东湖区', 'district-b': '西山区' }

/** Seeds one center's citizens'-messages demo data, in the demo seed's (system-scope) transaction. */
export async function seedInteractionDemo(trx: Tx, tenants: ReadonlyMap<string, { id: string }>): Promise<void> {
  for (const center of ['district-a', 'district-b']) {
    const centerId = tenants.get(center)!.id
    const unit = (suffix: string) => tenants.get(`${center}-${suffix}`)?.id
    for (const [index, s] of services.entries()) {
      await trx.insertInto('ticket_services').values({
        tenant_id: centerId, code: s.code, name: s.name, description: s.description, group_name: s.group, keywords: s.keywords,
        default_kind: s.defaultKind, notice: s.notice, attributes: JSON.stringify(s.attributes ?? []), sort_order: (index + 1) * 10,
      }).onConflict((oc) => oc.constraint('ticket_services_code').doNothing()).execute()
    }
    const serviceIds = new Map((await trx.selectFrom('ticket_services').select(['id', 'code']).where('tenant_id', '=', centerId).execute()).map((r) => [r.code, r.id]))
    const hasRules = await trx.selectFrom('ticket_routing_rules').select('id').where('tenant_id', '=', centerId).limit(1).executeTakeFirst()
    if (!hasRules) {
      for (const r of routing[center]) {
        await trx.insertInto('ticket_routing_rules').values({
          tenant_id: centerId, service_id: serviceIds.get(r.service)!, department_id: unit(r.department)!, place_keyword: r.place ?? null, priority: r.priority ?? 0,
        }).execute()
      }
    }
    for (const t of templates) {
      await trx.insertInto('reply_templates').values({ tenant_id: centerId, name: t.name, body: t.body }).onConflict((oc) => oc.constraint('reply_templates_name').doNothing()).execute()
    }
    const hasFaq = await trx.selectFrom('faq_entries').select('id').where('tenant_id', '=', centerId).limit(1).executeTakeFirst()
    if (!hasFaq) {
      for (const f of faqEntries(districtNames[center], Boolean(unit('edu')), Boolean(unit('health')))) {
        const { terms, docLen } = entryTerms(f)
        const row = await trx.insertInto('faq_entries').values({
          tenant_id: centerId, question: f.question, variants: f.variants, answer: f.answer, owner_department_id: unit(f.owner) ?? null, doc_len: docLen,
        }).returning('id').executeTakeFirstOrThrow()
        await trx.insertInto('faq_terms').values([...terms].map(([term, tf]) => ({ tenant_id: centerId, entry_id: row.id, term, tf }))).execute()
      }
    }
    await trx.insertInto('open311_keys').values({ tenant_id: centerId, name: '演示接口密钥', key_hash: tokenHash(DEMO_OPEN311_KEY), prefix: DEMO_OPEN311_KEY.slice(0, 8) })
      .onConflict((oc) => oc.constraint('open311_keys_hash').doNothing()).execute()
  }
}
