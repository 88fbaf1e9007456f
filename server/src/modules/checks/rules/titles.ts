import type { ContextWindow, Rule, Severity } from '../checks.types.js'
import { sources } from './sources.js'

// A former name is fine where the text says it is former (原国家卫计委, 现国家卫生健康委).
// Nor is a foreign ministry of the same name (美国农业部, 日本文化部).
const historical: ContextWindow[] = [
  { words: ['原', '前身', '更名', '现为', '（现', '(现', '改革前', '组建', '划入', '撤销'], window: 4 },
  { words: ['美国', '日本', '英国', '法国', '德国', '俄罗斯', '韩国', '朝鲜', '澳大利亚', '加拿大', '新西兰', '印度', '巴西', '意大利', '西班牙', '欧盟', '外国', '国外', '该国', '各国', '联邦'], window: 1 },
]

/** An institution renamed or merged by a reform: the old name as a term rule. */
function renamed(id: string, terms: string[], suggestion: string, reform: string, source: string, { severity = 'review', allow }: { severity?: Severity; allow?: string[] } = {}): Rule {
  return {
    id: `title.renamed-${id}`, category: 'title', severity, kind: 'term', terms, suggestion, allow, exceptions: historical,
    message: `机构名称已变更：${reform}，现称“${suggestion}”（指历史时可写“原${terms[0]}”）`, source,
  }
}

const CADRES = ['书记', '局长', '处长', '厅长', '县长', '市长', '乡长', '镇长', '部长', '主任', '领导', '干部'].join('|')

/** Official titles (职务) and institution names (机构名称). */
export const titleRules: Rule[] = [
  { id: 'title.npc-vice-chair', category: 'title', severity: 'review', kind: 'term', terms: ['全国人大副委员长'], suggestion: '全国人大常委会副委员长', message: '副委员长是全国人大常委会的职务，应写“全国人大常委会副委员长”', source: sources.xinhua },
  { id: 'title.npc-chair', category: 'title', severity: 'review', kind: 'term', terms: ['全国人大委员长'], suggestion: '全国人大常委会委员长', message: '委员长是全国人大常委会的职务，应写“全国人大常委会委员长”', source: sources.xinhua },
  { id: 'title.local-npc-director', category: 'title', severity: 'review', kind: 'pattern', pattern: '(?<=[省市县区州盟旗])人大(?<role>副主任|主任)(?!科员|委员)', anchors: ['人大副主任', '人大主任'], reach: 3, suggestion: '人大常委会$<role>', message: '地方人大的主任、副主任是人大常委会的职务，应写“省人大常委会副主任”等', source: sources.xinhua },
  { id: 'title.npc-member', category: 'title', severity: 'review', kind: 'pattern', pattern: '人大常委(?!会)', anchors: ['人大常委'], reach: 2, suggestion: '人大常委会委员', message: '不称“人大常委”，应写“人大常委会委员”', source: sources.xinhua },
  { id: 'title.cppcc-chair', category: 'title', severity: 'review', kind: 'term', terms: ['全国政协副委员长'], suggestion: '全国政协副主席', message: '全国政协设主席、副主席，不设委员长', source: sources.constitution },
  { id: 'title.party-committee', category: 'title', severity: 'review', kind: 'pattern', pattern: '中共(?<place>[\\u4e00-\\u9fa5]{2,4}?)(?<level>省|市|县)\\k<level>委', anchors: ['省省委', '市市委', '县县委'], reach: 8, suggestion: '中共$<place>$<level>委', message: '“中共××省委”不写作“中共××省省委”', source: sources.xinhua2016 },
  { id: 'title.village-head', category: 'title', severity: 'review', kind: 'term', terms: ['村长'], suggestion: '村主任', allow: ['村长期', '村长远', '村长效', '村长廊', '村长江', '村长城', '村长沙', '村长春', '村长安', '村长白', '村长征', '村长者', '村长辈', '村长大', '村长势', '村长度', '村长达', '村长约', '村长年', '村长寿', '村长时间', '村长足'], message: '村民委员会的负责人是“村主任”（村民委员会主任），不称“村长”', source: sources.villages },
  { id: 'title.village-official', category: 'title', severity: 'review', kind: 'term', terms: ['村官'], allow: ['大学生村官'], suggestion: '村干部', message: '应称“村干部”（“大学生村官”为专有名称）', source: sources.xinhua },
  { id: 'title.auditor-general', category: 'title', severity: 'review', kind: 'term', terms: ['审计署署长'], suggestion: '审计署审计长', message: '审计署的负责人称“审计长”', source: sources.xinhua },
  { id: 'title.auditor-general-deputy', category: 'title', severity: 'review', kind: 'term', terms: ['审计署副署长'], suggestion: '审计署副审计长', message: '审计署的副职称“副审计长”', source: sources.xinhua },
  { id: 'title.procurator', category: 'title', severity: 'review', kind: 'term', terms: ['检察院院长'], suggestion: '检察院检察长', message: '人民检察院的负责人称“检察长”，不称“院长”', source: sources.procuratorate },
  { id: 'title.procurator-deputy', category: 'title', severity: 'review', kind: 'term', terms: ['检察院副院长'], suggestion: '检察院副检察长', message: '人民检察院的副职称“副检察长”', source: sources.procuratorate },
  {
    id: 'title.boss', category: 'title', severity: 'review', kind: 'pattern',
    pattern: `(?:(?:${CADRES})[^，。；！？\\n]{0,6}?(?:称为|称作|叫做|叫作|喊作|当作|视为)|(?:把|将)(?:${CADRES})[^，。；！？\\n]{0,4}?(?:称为|称作|叫做|叫作|叫|喊|称|当作|当成|视为))[“"]?(?<hit>老板)`,
    anchors: ['老板'], reach: 20, suggestion: null, message: '不得把领导干部称为“老板”', source: sources.xinhua2016,
  },
  { id: 'title.premier', category: 'title', severity: 'hint', kind: 'term', terms: ['国家总理'], suggestion: '国务院总理', message: '我国的总理是“国务院总理”', source: sources.constitution },
  { id: 'title.vice-premier', category: 'title', severity: 'hint', kind: 'term', terms: ['国家副总理'], suggestion: '国务院副总理', message: '我国的副总理是“国务院副总理”', source: sources.constitution },
  { id: 'title.supreme-court', category: 'title', severity: 'hint', kind: 'term', terms: ['最高法院'], suggestion: '最高人民法院', message: '机构全称为“最高人民法院”（简称“最高法”）', source: sources.constitution },
  { id: 'title.supreme-procuratorate', category: 'title', severity: 'hint', kind: 'term', terms: ['最高检察院'], suggestion: '最高人民检察院', message: '机构全称为“最高人民检察院”（简称“最高检”）', source: sources.constitution },
  { id: 'title.state-council-office', category: 'title', severity: 'review', kind: 'term', terms: ['国务院办公室'], suggestion: '国务院办公厅', message: '机构名称为“国务院办公厅”', source: sources.constitution },
  { id: 'title.cpc-office', category: 'title', severity: 'review', kind: 'term', terms: ['中共中央办公室'], suggestion: '中共中央办公厅', message: '机构名称为“中共中央办公厅”', source: sources.xinhua },
  { id: 'title.development-reform', category: 'title', severity: 'hint', kind: 'term', terms: ['国家发改委'], suggestion: '国家发展改革委', message: '规范简称为“国家发展改革委”', source: sources.reform2018 },

  renamed('health-national', ['国家卫计委', '国家卫生计生委', '国家卫生和计划生育委员会'], '国家卫生健康委', '2018年组建国家卫生健康委员会', sources.reform2018),
  renamed('health-local', ['卫计委', '卫生计生委', '卫计局', '卫生计生局', '计生委'], '卫生健康委', '2018年起各地组建卫生健康委员会', sources.reform2018, { severity: 'hint' }),
  renamed('land-national', ['国土资源部'], '自然资源部', '2018年组建自然资源部', sources.reform2018),
  renamed('land-local', ['国土资源局', '国土局'], '自然资源局', '2018年起地方国土资源部门并入自然资源部门', sources.reform2018, { severity: 'hint' }),
  renamed('environment-national', ['环境保护部', '环保部'], '生态环境部', '2018年组建生态环境部', sources.reform2018, { allow: ['环保部门', '环境保护部门'] }),
  renamed('environment-local', ['环境保护局', '环保局'], '生态环境局', '2018年起地方环境保护部门改为生态环境部门', sources.reform2018, { severity: 'hint' }),
  renamed('agriculture-national', ['农业部'], '农业农村部', '2018年组建农业农村部', sources.reform2018, { allow: ['农业部门', '农业部署', '农业部分'] }),
  renamed('agriculture-local', ['农业局'], '农业农村局', '2018年起地方农业部门改为农业农村部门', sources.reform2018, { severity: 'hint', allow: ['农业局部'] }),
  renamed('culture-national', ['文化部', '国家旅游局'], '文化和旅游部', '2018年组建文化和旅游部', sources.reform2018, { allow: ['文化部门', '文化部署', '文化部分', '文化部落'] }),
  renamed('market-national', ['国家工商总局', '国家工商行政管理总局', '国家质检总局', '国家质量监督检验检疫总局', '国家食品药品监督管理总局', '国家食药监总局'], '国家市场监督管理总局', '2018年组建国家市场监督管理总局', sources.reform2018),
  renamed('market-local', ['工商局', '工商行政管理局', '质监局', '质量技术监督局', '食药监局', '食品药品监督管理局'], '市场监督管理局', '2018年起地方工商、质监、食药监部门整合为市场监督管理部门', sources.reform2018, { severity: 'hint' }),
  renamed('safety-national', ['国家安全生产监督管理总局', '国家安监总局'], '应急管理部', '2018年组建应急管理部', sources.reform2018),
  renamed('safety-local', ['安监局', '安全生产监督管理局'], '应急管理局', '2018年起地方安全生产监管部门并入应急管理部门', sources.reform2018, { severity: 'hint' }),
  renamed('forestry', ['国家林业局'], '国家林业和草原局', '2018年组建国家林业和草原局', sources.reform2018),
  renamed('legal-office', ['国务院法制办公室', '国务院法制办'], '司法部', '2018年国务院法制办公室职责并入司法部', sources.reform2018),
  renamed('broadcasting', ['国家新闻出版广电总局', '新闻出版广电总局'], '国家广播电视总局', '2018年组建国家广播电视总局', sources.reform2018),
  renamed('supervision', ['监察部', '国家预防腐败局'], '国家监察委员会', '2018年组建国家监察委员会，监察部、国家预防腐败局并入', sources.supervision, { allow: ['监察部门'] }),
  renamed('supervision-local', ['监察局'], '监察委员会', '2018年起各级监察委员会取代监察局', sources.supervision),
  renamed('poverty', ['国务院扶贫办', '国务院扶贫开发领导小组办公室'], '国家乡村振兴局', '2021年国务院扶贫办改为国家乡村振兴局，2023年其职责划入农业农村部', sources.reform2023),
  renamed('finance-regulator', ['中国银保监会', '银保监会', '中国银行保险监督管理委员会', '中国银监会', '银监会', '中国保监会', '保监会'], '国家金融监督管理总局', '2023年组建国家金融监督管理总局，不再保留中国银行保险监督管理委员会', sources.reform2023),
]
