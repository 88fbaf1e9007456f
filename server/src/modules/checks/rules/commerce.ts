import type { ContextWindow, Rule } from '../checks.types.js'
import { sources } from './sources.js'

// Government anti-fraud warnings quote the lure (谨防“包治百病”的保健品骗局): a quotation mark
// right before the phrase, or fraud words close by, mean it is being warned about, not sold.
const quotedOrWarned: ContextWindow[] = [
  { words: ['“', '"', '‘', '「'], window: 0 },
  { words: ['诈骗', '骗局', '骗子', '非法集资', '谨防', '警惕', '提醒', '防范', '陷阱', '套路', '诱饵', '打着', '虚假宣传', '查处', '曝光', '虚假广告', '涉嫌'], window: 12 },
]
// Words of selling, not of economic reporting (产品, 价格 and 购买 appear in ordinary statistics news).
const COMMERCE = ['品牌', '销量', '好物', '爆款', '网红', '商家', '店铺', '网店', '直播间', '下单', '抢购', '促销', '优惠']

/** Advertising, medical claims and superlatives; commercial content is forbidden on government accounts. */
export const commerceRules: Rule[] = [
  {
    id: 'advertising.cure', category: 'advertising', severity: 'review', governmentSeverity: 'block', kind: 'term', terms: ['根治'], suggestion: null,
    exceptions: [...quotedOrWarned, { words: ['欠薪', '拖欠', '工资', '水患', '水害', '沙害', '风沙', '污染', '乱象', '问题', '隐患', '治理', '黄河', '淮河', '海河', '形式主义', '官僚主义', '痼疾', '顽瘴'], window: 8 }],
    message: '宣称“根治”疾病属于对疗效的断言，广告和政务内容不得使用', source: sources.adLawMedical,
  },
  { id: 'advertising.cure-claim', category: 'advertising', severity: 'review', governmentSeverity: 'block', kind: 'term', terms: ['药到病除', '包治百病', '彻底治愈', '永不复发', '一次根治', '一针见效'], exceptions: quotedOrWarned, suggestion: null, message: '对疗效的断言或保证不得使用', source: sources.xinhua },
  { id: 'advertising.refund', category: 'advertising', severity: 'review', governmentSeverity: 'block', kind: 'term', terms: ['无效退款', '不见效退款', '无效全额退款'], exceptions: quotedOrWarned, suggestion: null, message: '“无效退款”属于对疗效的保证，不得使用', source: sources.xinhua },
  { id: 'advertising.side-effects', category: 'advertising', severity: 'review', governmentSeverity: 'block', kind: 'term', terms: ['安全无副作用', '无任何副作用', '无毒副作用', '零副作用'], exceptions: quotedOrWarned, suggestion: null, message: '“安全无副作用”属于对安全性的断言，不得使用', source: sources.xinhua },
  { id: 'advertising.secret-recipe', category: 'advertising', severity: 'review', governmentSeverity: 'block', kind: 'term', terms: ['祖传秘方', '宫廷秘方', '神药', '神医'], exceptions: quotedOrWarned, suggestion: null, message: '“祖传秘方”“神药”等属虚假夸大宣传用语', source: sources.adLawMedical },
  { id: 'advertising.state-drug', category: 'advertising', severity: 'review', governmentSeverity: 'block', kind: 'term', terms: ['国家级新药'], exceptions: quotedOrWarned, suggestion: null, message: '“国家级新药”属广告禁用表述', source: sources.xinhua },
  { id: 'advertising.best-effect', category: 'advertising', severity: 'review', governmentSeverity: 'block', kind: 'term', terms: ['疗效最佳', '疗效最好', '效果最好的药'], exceptions: quotedOrWarned, suggestion: null, message: '“疗效最佳”属对疗效的断言，不得使用', source: sources.xinhua },
  {
    id: 'advertising.cure-rate', category: 'advertising', severity: 'review', governmentSeverity: 'block', kind: 'pattern',
    pattern: '(?:治愈率|有效率|治疗有效率)(?:高达|达到|达)?\\s*(?:9\\d|100)(?:\\.\\d+)?[%％]', anchors: ['治愈率', '有效率'], reach: 14, suggestion: null,
    exceptions: [...quotedOrWarned, { words: ['疫苗', '接种', '临床试验', '保护效力'], window: 20 }],
    message: '广告中不得说明治愈率或有效率', source: sources.adLawMedical,
  },
  {
    id: 'advertising.superlative', category: 'advertising', severity: 'hint', governmentSeverity: 'block', kind: 'term',
    terms: ['全网最低价', '全网最低', '史上最低价', '最高级', '最佳品牌', '顶级品牌', '第一品牌', '销量第一', '行业第一', '全网第一', '销量冠军'],
    allow: ['最高级别'], exceptions: quotedOrWarned, suggestion: null,
    message: '“最高级”“最佳”“第一品牌”等绝对化用语为广告法所禁止，政务账号不得发布商业推广', source: sources.adLaw,
  },
  {
    id: 'advertising.superlative-praise', category: 'advertising', severity: 'hint', governmentSeverity: 'review', kind: 'pattern',
    pattern: '(?:最佳|最好|最著名|最优秀|最先进)的?(?:产品|品牌|商品|选择|药|疗效|医院|医生|专家|机构|服务商|供应商|厂家|商家)',
    anchors: ['最佳', '最好', '最著名', '最优秀', '最先进'], reach: 6, suggestion: null, exceptions: quotedOrWarned,
    message: '不用“最佳”“最好”“最著名”等评价性用语推介产品或机构', source: sources.xinhua,
  },
  {
    id: 'advertising.first', category: 'advertising', severity: 'review', isGovernmentOnly: true, kind: 'term', terms: ['第一'], suggestion: null,
    allow: ['第一书记', '第一时间', '第一批', '第一次', '第一季度', '第一线', '第一责任人', '第一届', '第一阶段', '第一轮', '第一家', '第一个', '第一名', '第一位', '第一产业', '安全第一', '质量第一', '第一生产力', '第一动力', '第一资源', '第一要务'],
    requires: { words: COMMERCE, window: 6 },
    message: '政务账号不得以“第一”等绝对化用语推介商品或品牌', source: sources.govMedia,
  },
  {
    id: 'advertising.state-level', category: 'advertising', severity: 'review', isGovernmentOnly: true, kind: 'term', terms: ['国家级'], suggestion: null,
    allow: ['国家级非物质文化遗产', '国家级非遗', '国家级自然保护区', '国家级新区', '国家级经济技术开发区', '国家级高新区', '国家级示范区', '国家级重点实验室'],
    requires: { words: COMMERCE, window: 6 },
    message: '政务账号不得以“国家级”推介商品或品牌', source: sources.adLaw,
  },
  {
    id: 'advertising.buy-now', category: 'advertising', severity: 'block', isGovernmentOnly: true, kind: 'term',
    terms: ['点击购买', '立即购买', '扫码购买', '立即抢购', '限时抢购', '限时秒杀', '秒杀价', '下单立减', '全场包邮', '包邮到家', '招商加盟', '加盟代理'],
    exceptions: quotedOrWarned, suggestion: null, message: '政务新媒体不得发布商业广告和营销推广内容', source: sources.govMedia,
  },
  {
    id: 'advertising.returns', category: 'advertising', severity: 'review', kind: 'term', terms: ['稳赚不赔', '保本保息', '高额回报', '躺赚'],
    exceptions: quotedOrWarned, suggestion: null, message: '承诺回报、保本保息是非法集资的典型宣传用语', source: sources.fundraising,
  },
]
