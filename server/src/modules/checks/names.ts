import type { Candidate } from './validators.js'

/**
 * Full names right after a word for a protected person (未成年人, 受害人, 患者 …), which reports
 * must replace by surname + 某. Without a name recogniser this stays conservative: a known
 * surname, one or two given-name characters that are not function words, and then a boundary
 * (punctuation or a word that typically follows a name: 说, 在, 表示 …). Anything looser flags
 * ordinary reports such as 患者高烧不退 or 患者于今日出院.
 */

const ROLES = [
  '未成年人', '未成年', '受害人', '被害人', '受害者', '被害者', '患者', '患儿', '感染者', '病人',
  '吸毒人员', '戒毒人员', '女童', '男童', '被拐儿童', '被拐妇女',
]

// Common surnames; characters that double as frequent function words after these roles
// (于, 向, 时, 全, 常, 和, 万, 都) are left out on purpose.
const SINGLE_SURNAMES = new Set([...
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈任姚卢姜崔钟谭陆汪范廖石金韦贾夏付傅邱秦孟江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵钱严覃武戴莫孔汤柳丰易祝樊葛庞鲍彭舒聂'])
const DOUBLE_SURNAMES = ['欧阳', '司马', '诸葛', '上官', '慕容', '皇甫', '令狐', '司徒', '尉迟', '夏侯', '端木', '东方']

// Characters that do not end a given name: the protected form itself (某), titles, kinship,
// and function words that follow a name.
const NOT_GIVEN = new Set([...'某女士先生老师姓氏家属等们及和与是在的了说称表因被于今年月日已向到也还就所曾从自将对为把由经系其该这那人员方面式法度烧述多许可额元万各位名个'])
// What may follow a name: punctuation, end of text, or a word that usually follows a subject.
const FOLLOWERS = new Set([...'，。、；：,;:（()）“”"！？!? 在说称表因被于等和与已是今向到也还就曾从自的家父母'])
// Two-character words that start with a surname character but are ordinary words.
const ORDINARY_WORDS = new Set(['高度', '陈述', '周边', '周围', '马上', '方面', '林业', '余额', '金额', '孙子', '孙女', '程度', '史上', '任何', '严重', '龙头', '毛病', '石膏', '黄疸', '江边'])

const ROLE_PATTERN = new RegExp(`(?:${[...ROLES].sort((a, b) => b.length - a.length).join('|')})[：:，, ]?`, 'g')

/** Names after protected roles in folded text, with surname + 某 as the suggestion. */
export function protectedNames(folded: string): Candidate[] {
  const found: Candidate[] = []
  for (const role of folded.matchAll(ROLE_PATTERN)) {
    const at = role.index + role[0].length
    const double = DOUBLE_SURNAMES.find((s) => folded.startsWith(s, at))
    const surname = double ?? (SINGLE_SURNAMES.has(folded[at]) ? folded[at] : undefined)
    if (!surname) continue
    const givenAt = at + surname.length
    for (const length of [2, 1]) {
      const given = folded.slice(givenAt, givenAt + length)
      if (given.length !== length || ![...given].every((c) => /[\u4e00-\u9fff]/.test(c) && !NOT_GIVEN.has(c))) continue
      const name = surname + given
      if (ORDINARY_WORDS.has(name.slice(0, 2))) break
      const after = givenAt + length
      if (after < folded.length && !FOLLOWERS.has(folded[after])) continue
      found.push({ start: at, end: after, suggestion: `${surname}某` })
      break
    }
  }
  return found
}
