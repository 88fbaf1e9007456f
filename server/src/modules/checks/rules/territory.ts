import type { Rule } from '../checks.types.js'
import { sources } from './sources.js'

const HK_MACAO_TAIWAN_PEOPLE = ['香港同胞', '澳门同胞', '港澳同胞', '台湾同胞', '台胞', '港澳居民', '香港居民', '澳门居民', '台湾居民', '港澳青年', '香港青年', '澳门青年', '台湾青年', '港澳台青年', '台湾学生', '香港学生', '澳门学生']

const CONJUNCTIONS = ['和', '与', '及', '同']
// Longest first, so 中央研究院 is preferred over a shorter name at the same place.
const TAIWAN_INSTITUTIONS = ['中央研究院', '大陆委员会', '中央银行', '立法院', '行政院', '监察院', '司法院', '考试院', '总统府', '国史馆', '陆委会', '外交部', '国防部', '教育部', '经济部', '内政部', '法务部']

/** Hong Kong, Macao and Taiwan, territory, international relations, ethnicity and religion. */
export const territoryRules: Rule[] = [
  { id: 'territory.taiwan-leader', category: 'territory', severity: 'block', kind: 'term', terms: ['台湾总统', '中华民国总统', '台湾地区总统'], suggestion: '台湾地区领导人', message: '台湾是中国的一部分，其领导人称“台湾地区领导人”，不称“总统”', source: sources.xinhua2016 },
  { id: 'territory.taiwan-deputy-leader', category: 'territory', severity: 'block', kind: 'term', terms: ['台湾副总统', '中华民国副总统', '台湾地区副总统'], suggestion: '台湾地区副领导人', message: '不称台湾地区“副总统”，应称“台湾地区副领导人”', source: sources.xinhua2016 },
  { id: 'territory.roc', category: 'territory', severity: 'review', kind: 'term', terms: ['中华民国'], allow: ['中华民国时期', '中华民国临时', '中华民国成立', '中华民国元年'], suggestion: '台湾当局', message: '1949年10月1日后不得使用“中华民国”称谓，应称“台湾当局”或“台湾方面”（历史叙述除外）', source: sources.xinhua },
  { id: 'territory.taiwan-government', category: 'territory', severity: 'review', kind: 'term', terms: ['台湾政府', '台湾中央政府'], suggestion: '台湾当局', message: '应称“台湾当局”或“台湾方面”，不称“台湾政府”', source: sources.xinhua },
  { id: 'territory.taiwan-country', category: 'territory', severity: 'block', kind: 'term', terms: ['台湾国'], allow: ['台湾国民', '台湾国际', '台湾国语', '台湾国立', '台湾国道', '台湾国画'], suggestion: '台湾地区', message: '台湾不是国家，不得称“台湾国”', source: sources.xinhua },
  { id: 'territory.taiwan-law', category: 'territory', severity: 'review', kind: 'term', terms: ['台湾法律', '台湾的法律', '台湾宪法', '中华民国宪法'], suggestion: '台湾地区的有关规定', message: '台湾地区的“法律”应表述为“台湾地区的有关规定”', source: sources.xinhua },
  {
    id: 'territory.taiwan-institution', category: 'territory', severity: 'review', kind: 'pattern',
    pattern: `台湾(?:地区)?(?:的)?(?<hit>${TAIWAN_INSTITUTIONS.join('|')})(?![门”"’])`,
    anchors: TAIWAN_INSTITUTIONS, reach: 8, suggestion: '“$<hit>”',
    message: '台湾地区的机构名称须加引号，如台湾“立法院”', source: sources.xinhua,
  },
  {
    id: 'territory.country-list', category: 'territory', severity: 'review', kind: 'pattern',
    pattern: '(?:香港|澳门|台湾)(?:地区)?(?:[、和及与][^。，；！？、\\n]{1,10}){0,10}?(?<hit>等(?:[\\d一二三四五六七八九十百几]+多?个)?国家)(?!和地区|与地区|或地区|及地区|[（(]地区|机关|级|安全|发展|战略|利益|标准|政策|部委|层面|大局|队|重点)',
    anchors: ['等国家', '个国家'], reach: 120, suggestion: '$<hit>和地区',
    message: '香港、澳门、台湾不是国家，与其他国家并列时应写“国家和地区”', source: sources.xinhua,
  },
  { id: 'territory.two-shores-three-places', category: 'territory', severity: 'review', kind: 'term', terms: ['两岸三地', '两岸四地'], suggestion: '海峡两岸暨香港、澳门', message: '不使用“两岸三地”“两岸四地”的说法', source: sources.xinhua },
  { id: 'territory.china-hk', category: 'territory', severity: 'review', kind: 'pattern', pattern: '中港(?=两地|关系|交流|合作|贸易|通关|跨境|边界|口岸|融合)', anchors: ['中港'], reach: 6, suggestion: '内地与香港', message: '不使用“中港”并称，应写“内地与香港”（或“京港”“沪港”等）', source: sources.xinhua },
  { id: 'territory.china-taiwan-short', category: 'territory', severity: 'review', kind: 'pattern', pattern: '(?<!数据|业务|技术|能力|智能|数字|管理|服务|运营|治理)中台(?=两地|关系|交流|合作|贸易|双方)', anchors: ['中台'], reach: 6, suggestion: '两岸', message: '不使用“中台”并称，应写“两岸”或“大陆与台湾”（或“闽台”等）', source: sources.xinhua },
  { id: 'territory.china-macao', category: 'territory', severity: 'review', kind: 'pattern', pattern: '中澳(?=两地|通关|口岸)', anchors: ['中澳'], reach: 6, suggestion: '内地与澳门', message: '指澳门时不使用“中澳”并称，应写“内地与澳门”', source: sources.xinhua },
  { id: 'territory.china-hk-taiwan', category: 'territory', severity: 'review', kind: 'term', terms: ['中港台', '中港澳'], suggestion: '内地与港澳台', message: '不使用“中港台”并称，应写“内地与港澳台”或“两岸暨港澳”', source: sources.xinhua },
  { id: 'territory.china-and-taiwan', category: 'territory', severity: 'review', kind: 'pattern', pattern: '(?<!一个)中国(?:和|与|及|同)台湾', anchors: CONJUNCTIONS.map((c) => `中国${c}台湾`), reach: 2, suggestion: '大陆和台湾', message: '台湾是中国的一部分，不能与“中国”并列，应写“大陆和台湾”或“两岸”', source: sources.xinhua },
  { id: 'territory.china-and-hk', category: 'territory', severity: 'review', kind: 'pattern', pattern: '(?<!一个)中国(?:和|与|及|同)(?<place>香港|澳门)', anchors: CONJUNCTIONS.flatMap((c) => [`中国${c}香港`, `中国${c}澳门`]), reach: 2, suggestion: '内地和$<place>', message: '香港、澳门是中国的特别行政区，不能与“中国”并列，应写“内地和香港”等', source: sources.xinhua },
  { id: 'territory.hk-mainland', category: 'territory', severity: 'review', kind: 'pattern', pattern: '(?:香港|澳门|港澳)(?:与|和|同)(?<hit>大陆)|大陆(?=(?:与|和|同)(?:香港|澳门|港澳))', anchors: ['大陆'], reach: 6, suggestion: '内地', message: '与港澳对应的是“内地”，与台湾对应的是“大陆”', source: sources.xinhua },
  { id: 'territory.visit-china-hk', category: 'territory', severity: 'review', kind: 'pattern', pattern: '(?:香港|澳门|港澳)[^。！？；\\n]{0,14}?(?<hit>来华|访华|赴华)', anchors: HK_MACAO_TAIWAN_PEOPLE.filter((w) => !w.includes('台')), reach: 24, suggestion: '来内地', message: '港澳居民到内地不称“来华”“访华”，应写“来内地”', source: sources.xinhua },
  { id: 'territory.visit-china-taiwan', category: 'territory', severity: 'review', kind: 'pattern', pattern: '(?:台湾|台胞)[^。！？；\\n]{0,14}?(?<hit>来华|访华|赴华)', anchors: HK_MACAO_TAIWAN_PEOPLE.filter((w) => w.includes('台')), reach: 24, suggestion: '来大陆', message: '台湾居民到大陆不称“来华”“访华”，应写“来大陆”', source: sources.xinhua },
  { id: 'territory.separatism-quotes', category: 'territory', severity: 'review', kind: 'pattern', pattern: '(?<![“"‘「『])(?<word>台独|港独|藏独|疆独)(?![”"’」』])', anchors: ['台独', '港独', '藏独', '疆独'], reach: 2, suggestion: '“$<word>”', message: '“台独”等分裂势力名称须加引号', source: sources.xinhua },
  { id: 'territory.sovereignty-handover', category: 'territory', severity: 'review', kind: 'term', terms: ['主权移交', '移交主权', '主权交接'], suggestion: '恢复行使主权', message: '香港、澳门回归是中国政府恢复行使主权，不称“主权移交”', source: sources.xinhua2016 },
  { id: 'territory.formosa', category: 'territory', severity: 'review', kind: 'term', terms: ['福摩萨', '福尔摩沙'], suggestion: '台湾', message: '不使用“福摩萨”等称呼指代台湾', source: sources.xinhua },
  { id: 'territory.nansha', category: 'territory', severity: 'block', kind: 'term', terms: ['斯普拉特利群岛'], suggestion: '南沙群岛', message: '我国领土应使用中国名称“南沙群岛”', source: sources.xinhua },
  { id: 'territory.xisha', category: 'territory', severity: 'block', kind: 'term', terms: ['帕拉塞尔群岛'], suggestion: '西沙群岛', message: '我国领土应使用中国名称“西沙群岛”', source: sources.xinhua },
  { id: 'territory.diaoyu', category: 'territory', severity: 'block', kind: 'term', terms: ['尖阁群岛', '尖阁列岛', '尖阁诸岛'], suggestion: '钓鱼岛及其附属岛屿', message: '我国领土应使用中国名称“钓鱼岛及其附属岛屿”', source: sources.xinhua },
  { id: 'territory.zangnan', category: 'territory', severity: 'block', kind: 'pattern', pattern: '(?<![“"])阿鲁纳恰尔邦', anchors: ['阿鲁纳恰尔邦'], reach: 2, suggestion: '藏南地区', message: '应称“藏南地区”；引述时须加引号并写明“所谓”', source: sources.xinhua },
  { id: 'territory.south-sea', category: 'territory', severity: 'hint', kind: 'term', terms: ['南中国海'], suggestion: '南海', message: '我国媒体使用“南海”', source: sources.xinhua },

  { id: 'international.north-korea', category: 'international', severity: 'review', kind: 'term', terms: ['北朝鲜'], suggestion: '朝鲜', message: '应称“朝鲜”，不称“北朝鲜”', source: sources.xinhua },
  { id: 'international.south-korea', category: 'international', severity: 'review', kind: 'term', terms: ['南朝鲜'], suggestion: '韩国', message: '应称“韩国”，不称“南朝鲜”', source: sources.xinhua },
  { id: 'international.wto-members', category: 'international', severity: 'review', kind: 'pattern', pattern: '(?:wto|世界贸易组织|世贸组织|apec|亚太经合组织)的?(?<hit>成员国)', anchors: ['wto', '世界贸易组织', '世贸组织', 'apec', '亚太经合组织'], reach: 10, suggestion: '成员', message: '世贸组织、亚太经合组织的成员不都是国家，应称“成员”（亚太经合组织可称“成员经济体”）', source: sources.xinhua },
  { id: 'international.muslim-countries', category: 'international', severity: 'review', kind: 'term', terms: ['穆斯林国家'], suggestion: '伊斯兰国家', message: '应称“伊斯兰国家”，不称“穆斯林国家”', source: sources.xinhua },
  { id: 'international.fundamentalism', category: 'international', severity: 'review', kind: 'term', terms: ['伊斯兰原教旨主义'], suggestion: '宗教激进主义', message: '应使用“宗教激进主义”，不把特定宗教与激进主义挂钩', source: sources.xinhua },
  { id: 'international.islam-terror', category: 'international', severity: 'review', kind: 'term', terms: ['伊斯兰恐怖分子', '伊斯兰恐怖主义', '伊斯兰极端分子'], suggestion: null, message: '不把伊斯兰教与恐怖主义、极端主义相联系', source: sources.xinhua },
  { id: 'international.black-africa', category: 'international', severity: 'review', kind: 'term', terms: ['黑非洲'], suggestion: '撒哈拉以南非洲', message: '不使用“黑非洲”，应写“撒哈拉沙漠以南的非洲”', source: sources.xinhua },
  { id: 'international.killed-in-war', category: 'international', severity: 'hint', kind: 'term', terms: ['击毙'], requires: { words: ['冲突', '战争', '战事', '空袭', '交火', '军方', '士兵', '武装分子', '武装人员', '巴以', '俄乌'], window: 30 }, suggestion: '打死', message: '报道国际战事中的死伤，用“打死”而不用“击毙”', source: sources.xinhua },

  { id: 'ethnic.huihui', category: 'ethnic', severity: 'review', kind: 'term', terms: ['回回'], allow: ['来回回', '一回回', '回回都'], suggestion: '回族', message: '不得使用“回回”称呼回族', source: sources.xinhua },
  { id: 'ethnic.manzi', category: 'ethnic', severity: 'review', kind: 'term', terms: ['蛮子'], suggestion: null, message: '不得使用“蛮子”等侮辱性称呼', source: sources.xinhua },
  { id: 'ethnic.mongol-short', category: 'ethnic', severity: 'review', kind: 'term', terms: ['蒙族'], suggestion: '蒙古族', message: '民族名称不得随意简称，应写“蒙古族”', source: sources.xinhua },
  { id: 'ethnic.uyghur-short', category: 'ethnic', severity: 'review', kind: 'term', terms: ['维族'], suggestion: '维吾尔族', message: '民族名称不得随意简称，应写“维吾尔族”', source: sources.xinhua },
  { id: 'ethnic.mosuo', category: 'ethnic', severity: 'review', kind: 'term', terms: ['摩梭族'], suggestion: '摩梭人', message: '摩梭人不是单独的民族，不称“摩梭族”', source: sources.xinhua },
  { id: 'ethnic.muslim-nation', category: 'ethnic', severity: 'review', kind: 'term', terms: ['穆斯林民族', '穆斯林族'], suggestion: '信仰伊斯兰教的民族', message: '穆斯林是伊斯兰教信徒，不是民族', source: sources.xinhua },
  { id: 'ethnic.halal-slaughter', category: 'ethnic', severity: 'hint', kind: 'pattern', pattern: '(?:清真|穆斯林|伊斯兰)[^。！？\\n]{0,10}?(?<hit>杀)(?=牛|羊|鸡|鸭|骆驼|牲)', anchors: ['清真', '穆斯林', '伊斯兰'], reach: 16, suggestion: '宰', message: '涉及穆斯林的屠宰应写“宰”，不写“杀”', source: sources.xinhua },
  { id: 'ethnic.islamic-state', category: 'ethnic', severity: 'review', kind: 'pattern', pattern: '(?<![“"‘])伊斯兰国(?![”"’家])', anchors: ['伊斯兰国'], reach: 2, suggestion: '所谓“伊斯兰国”', message: '极端组织“伊斯兰国”须加引号，并可冠以“所谓”', source: sources.xinhua },
]
