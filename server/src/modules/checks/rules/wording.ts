import type { Rule } from '../checks.types.js'
import { sources } from './sources.js'

/** Banned and cautious wording about people, legal terms, vulgar words and clickbait. */
export const wordingRules: Rule[] = [
  // 禁用词: people with disabilities and groups of people.
  { id: 'banned.disabled', category: 'banned', severity: 'review', kind: 'term', terms: ['残废人', '残废'], suggestion: '残疾人', message: '“残废”带有歧视色彩，应使用“残疾人”', source: sources.xinhua },
  { id: 'banned.one-eyed', category: 'banned', severity: 'review', kind: 'term', terms: ['独眼龙'], suggestion: '一只眼失明的人', message: '“独眼龙”带有歧视色彩，不得用于指称视力残疾人', source: sources.xinhua },
  { id: 'banned.blind', category: 'banned', severity: 'review', kind: 'term', terms: ['瞎子'], suggestion: '盲人', message: '“瞎子”带有歧视色彩，应使用“盲人”', source: sources.xinhua },
  { id: 'banned.deaf', category: 'banned', severity: 'review', kind: 'term', terms: ['聋子'], suggestion: '聋人', message: '“聋子”带有歧视色彩，应使用“聋人”', source: sources.xinhua },
  { id: 'banned.mute', category: 'banned', severity: 'review', kind: 'term', terms: ['哑巴'], allow: ['哑巴亏'], suggestion: '言语残疾人', message: '“哑巴”带有歧视色彩，应使用“言语残疾人”或“聋哑人”', source: sources.xinhua },
  { id: 'banned.intellectual', category: 'banned', severity: 'review', kind: 'term', terms: ['傻子', '呆子', '弱智', '智障'], suggestion: '智力障碍者', message: '“傻子”“呆子”“弱智”等带有歧视色彩，应使用“智力障碍者”', source: sources.xinhua },
  { id: 'banned.lame', category: 'banned', severity: 'review', kind: 'term', terms: ['瘸子', '跛子'], suggestion: '肢体残疾人', message: '“瘸子”“跛子”带有歧视色彩，应使用“肢体残疾人”', source: sources.xinhua },
  { id: 'banned.mental', category: 'banned', severity: 'hint', kind: 'term', terms: ['精神病人', '疯子'], suggestion: '精神障碍患者', message: '对精神疾病患者宜称“精神障碍患者”，避免歧视性称呼', source: sources.xinhua },
  { id: 'banned.aids', category: 'banned', severity: 'hint', kind: 'term', terms: ['艾滋病人'], suggestion: '艾滋病患者', message: '宜称“艾滋病患者”或“艾滋病病毒感染者”', source: sources.xinhua },
  { id: 'banned.low-end', category: 'banned', severity: 'review', kind: 'term', terms: ['低端人口'], suggestion: null, message: '“低端人口”带有歧视色彩，不得用于指称任何人群', source: sources.ecology },
  { id: 'banned.rustic', category: 'banned', severity: 'review', kind: 'term', terms: ['乡巴佬', '土包子'], suggestion: null, message: '地域、身份歧视性称呼不得用于新闻报道', source: sources.ecology },
  { id: 'banned.foreigner-slur', category: 'banned', severity: 'review', kind: 'term', terms: ['洋鬼子', '黑鬼'], suggestion: '外国人', message: '对外国人的侮辱性称呼不得使用', source: sources.ecology },
  { id: 'banned.laowai', category: 'banned', severity: 'hint', kind: 'term', terms: ['老外'], suggestion: '外国人', message: '正式报道中宜称“外国人”“外籍人士”', source: sources.xinhua },
  { id: 'banned.leftover', category: 'banned', severity: 'hint', kind: 'term', terms: ['剩女'], suggestion: '大龄未婚女性', message: '“剩女”带有性别歧视色彩', source: sources.ecology },
  { id: 'banned.blind-migration', category: 'banned', severity: 'review', kind: 'term', terms: ['盲流'], suggestion: '流动人口', message: '“盲流”带有歧视色彩，应使用“流动人口”', source: sources.xinhua },
  { id: 'banned.worker-thief', category: 'banned', severity: 'review', kind: 'pattern', pattern: '(?:工人|农民工|农民|民工|教授|教师|医生|护士|大学生|学生|律师)(?:小偷|罪犯|劫匪|歹徒|骗子)', anchors: ['小偷', '罪犯', '劫匪', '歹徒', '骗子'], reach: 4, suggestion: null, message: '不得将职业身份与犯罪行为并列（如“工人小偷”“教授罪犯”），以免造成对群体的负面印象', source: sources.xinhua },

  // 慎用词.
  { id: 'cautious.grand-meeting', category: 'cautious', severity: 'hint', kind: 'term', terms: ['隆重召开'], suggestion: '召开', message: '“隆重召开”只用于党和国家重要会议，一般会议写“召开”', source: sources.xinhua2016 },
  {
    id: 'cautious.personally', category: 'cautious', severity: 'hint', kind: 'term', terms: ['亲自'], suggestion: null,
    allow: ['亲自谋划', '亲自部署', '亲自推动', '亲自指挥', '亲自批示', '亲自关心'],
    requires: { words: ['书记', '主席', '总理', '省长', '市长', '县长', '区长', '部长', '厅长', '局长', '领导', '委员长'], window: 10 },
    message: '报道领导同志的工作活动不用“亲自”', source: sources.xinhua,
  },
  { id: 'cautious.eight-honours', category: 'cautious', severity: 'hint', kind: 'term', terms: ['八荣八耻'], suggestion: '社会主义荣辱观', message: '应表述为“践行社会主义荣辱观”', source: sources.xinhua2016 },
  { id: 'cautious.idol', category: 'cautious', severity: 'hint', kind: 'term', terms: ['男神', '女神'], allow: ['自由女神', '女神像', '女神峰', '女神节'], suggestion: '著名演员', message: '不用“男神”“女神”称呼演艺人员', source: sources.xinhua2016 },
  { id: 'cautious.goddess-day', category: 'cautious', severity: 'hint', kind: 'term', terms: ['女神节', '女王节'], suggestion: '国际妇女节', message: '3月8日是“国际妇女节”，不用商业化称呼', source: sources.house },
  { id: 'cautious.film-king', category: 'cautious', severity: 'hint', kind: 'term', terms: ['影帝', '影后'], suggestion: '著名演员', message: '不用“影帝”“影后”等称呼，应称“著名演员”', source: sources.xinhua },
  { id: 'cautious.superstar', category: 'cautious', severity: 'hint', kind: 'term', terms: ['巨星', '天王', '天后', '歌王', '歌后'], allow: ['天王星', '天王殿', '天王寺', '四大天王', '托塔天王', '天后宫', '天后庙', '天后诞', '红巨星', '蓝巨星'], suggestion: '著名艺术家', message: '不用“巨星”“天王”“天后”等称呼，应称“著名艺术家”“著名歌手”', source: sources.xinhua },
  { id: 'cautious.belt-road-strategy', category: 'cautious', severity: 'review', kind: 'pattern', pattern: '一带一路[”"’\']?\\s*(?<hit>战略)', anchors: ['一带一路'], reach: 6, suggestion: '倡议', message: '应表述为“一带一路”倡议，不称“战略”', source: sources.xinhua2016 },
  { id: 'cautious.petitioner', category: 'cautious', severity: 'hint', kind: 'term', terms: ['上访户', '上访专业户'], suggestion: '信访人', message: '“上访户”带有贬义，依《信访工作条例》称“信访人”', source: sources.xinhua },
  { id: 'cautious.disease-place', category: 'cautious', severity: 'review', kind: 'term', terms: ['武汉肺炎', '中国病毒'], suggestion: '新冠肺炎', message: '疾病名称不得与地名、国名挂钩', source: sources.diseaseNaming },
  { id: 'cautious.net-slang', category: 'cautious', severity: 'hint', kind: 'term', terms: ['然并卵', '蓝瘦香菇', '累觉不爱', '喜大普奔', '人艰不拆', '不明觉厉', '内牛满面'], suggestion: null, message: '正式报道不用网络缩略语、谐音词', source: sources.broadcastLanguage },

  // 法律用语.
  {
    id: 'legal.convict', category: 'legal', severity: 'review', kind: 'term', terms: ['罪犯'], suggestion: '犯罪嫌疑人',
    exceptions: [{ words: ['判处', '判决', '宣判', '服刑', '刑满', '监狱', '减刑', '假释', '执行死刑', '有期徒刑', '无期徒刑', '判刑', '定罪', '在押', '改造'], window: 20 }],
    message: '法院判决前不称“罪犯”，应称“犯罪嫌疑人”（起诉后称“被告人”）', source: sources.xinhua,
  },
  { id: 'legal.suspect-short', category: 'legal', severity: 'hint', kind: 'term', terms: ['嫌犯', '疑犯'], suggestion: '犯罪嫌疑人', message: '法律用语应为“犯罪嫌疑人”', source: sources.xinhua },
  { id: 'legal.party-decides', category: 'legal', severity: 'review', kind: 'pattern', pattern: '(?:党委|党组|党组织)[^。；\\n]{0,12}?(?<hit>决定)给予[^。；\\n]{0,20}?行政(?:处分|警告|记过|记大过|降级|撤职|开除)', anchors: ['决定给予'], reach: 40, suggestion: '建议', message: '党组织不能直接给予行政处分，应写“建议给予”', source: sources.xinhua },
  { id: 'legal.shuanggui', category: 'legal', severity: 'hint', kind: 'term', terms: ['双规'], suggestion: '留置', message: '《监察法》施行后，调查措施为“留置”', exceptions: [{ words: ['原', '过去', '取代'], window: 4 }], source: sources.supervision },
  { id: 'legal.mafia', category: 'legal', severity: 'hint', kind: 'pattern', pattern: '黑社会(?!性质)', anchors: ['黑社会'], reach: 2, suggestion: '黑社会性质', message: '法律用语为“黑社会性质组织”', source: '中华人民共和国刑法 第二百九十四条' },
  { id: 'legal.da-hei', category: 'legal', severity: 'hint', kind: 'term', terms: ['打黑除恶'], suggestion: '扫黑除恶', message: '现行提法为“扫黑除恶”', source: sources.house },

  // 低俗用语.
  { id: 'vulgar.swearing', category: 'vulgar', severity: 'block', kind: 'term', terms: ['他妈的', '你妈的', '他娘的', '特么', '卧槽', '草泥马', '日了狗', '狗日的', '王八蛋', '龟孙子', '滚犊子'], suggestion: null, message: '粗俗、骂人的话不得出现在发布内容中', source: sources.xinhua },
  { id: 'vulgar.ma-de', category: 'vulgar', severity: 'block', kind: 'pattern', pattern: '(?<=^|[，。！？、；：:,\\s“"])妈的', anchors: ['妈的'], reach: 2, suggestion: null, message: '粗俗、骂人的话不得出现在发布内容中', source: sources.xinhua },
  { id: 'vulgar.latin', category: 'vulgar', severity: 'block', kind: 'term', terms: ['tmd', 'nmd', 'cnm', 'nnd', 'nb', 'sb'], suggestion: null, message: '粗俗用语的字母缩写（如TMD、NB）不得使用', source: sources.xinhua },
  { id: 'vulgar.genital', category: 'vulgar', severity: 'block', kind: 'term', terms: ['傻逼', '傻b', '煞笔', '装逼', '牛逼', '牛b', '撕逼', '逼格'], suggestion: null, message: '低俗用语不得使用', source: sources.ecology },
  { id: 'vulgar.insult-women', category: 'vulgar', severity: 'block', kind: 'term', terms: ['婊子', '绿茶婊', '心机婊', '碧池'], suggestion: null, message: '侮辱女性的低俗用语不得使用', source: sources.ecology },
  { id: 'vulgar.internet', category: 'vulgar', severity: 'block', kind: 'term', terms: ['屌丝', '逗比', '蛋疼', '矮穷矬'], suggestion: null, message: '低俗网络用语不得使用', source: sources.ecology },
  { id: 'vulgar.wasai', category: 'vulgar', severity: 'block', kind: 'term', terms: ['哇噻', '哇塞'], suggestion: null, message: '“哇噻”等粗俗感叹词不得使用', source: sources.xinhua },

  // 标题党.
  { id: 'clickbait.shock', category: 'clickbait', severity: 'hint', governmentSeverity: 'review', kind: 'term', terms: ['震惊！', '震惊!', '惊呆了', '吓尿了', '吓哭了', '看完沉默了', '细思极恐', '出大事了'], suggestion: null, message: '夸张标题、煽动性用语属不良信息', source: sources.ecology },
  { id: 'clickbait.spread', category: 'clickbait', severity: 'review', kind: 'term', terms: ['紧急扩散', '转疯了', '速看', '不看后悔', '赶紧收藏', '转给家人'], allow: ['快速看', '加速看', '迅速看', '高速看'], suggestion: null, message: '诱导转发的标题用语属不良信息，政务内容不得使用', source: sources.ecology },
  { id: 'clickbait.percent', category: 'clickbait', severity: 'review', kind: 'pattern', pattern: '\\d{2}%的人(?:都)?不知道', anchors: ['的人不知道', '的人都不知道'], reach: 8, suggestion: null, message: '“99%的人都不知道”之类标题属夸张诱导用语', source: sources.ecology },
]
