import { segmenter } from '../../kernel/text/segment.js'

/**
 * Masking of personal data in what the public sees (replies, the citizen's own text on the public
 * list, Open311 descriptions). The original stays in the database for the people handling the case.
 * - names → surname + 某 (张三 → 张某, 欧阳娜娜 → 欧阳某): the names the ticket knows (the citizen's),
 *   names introduced by a label (姓名, 联系人, 市民…), and names jieba tags as person names (nr)
 *   that start with a common surname;
 * - mobile numbers keep the first 3 and last 4 digits (138****5678), landlines their area code;
 * - ID card numbers keep the first 3 and last 4 characters.
 */

const COMPOUND_SURNAMES = ['欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯', '令狐', '端木', '西门', '南宫']
const SURNAMES = new Set([...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝'])

/** The surname part of a Chinese name (compound surnames first), or null when it starts with none. */
export function surnameOf(name: string): string | null {
  const compound = COMPOUND_SURNAMES.find((s) => name.startsWith(s))
  if (compound) return compound
  return SURNAMES.has(name[0]) ? name[0] : null
}

/** 张三 → 张某; a name without a known surname becomes 某某. */
export function maskName(name: string): string {
  const trimmed = name.trim()
  if (!trimmed) return ''
  const surname = surnameOf(trimmed)
  return surname ? `${surname}某` : '某某'
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

const MOBILE = /(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)/g
const ID_CARD = /(?<![\dXx])(\d{3})\d{11}(\d{3}[\dXx])(?![\dXx])/g
const LANDLINE = /(?<!\d)(0\d{2,3})[- ]?(\d{3,4})(\d{4})(?!\d)/g
// "联系人：李小红", "市民王大明反映" — a label, then a 2–4 character name.
const LABELLED_NAME = /(姓名|联系人|经办人|市民|居民|业主|村民|反映人|来信人|当事人|投诉人|举报人)([:：\s]*)([\p{Script=Han}]{2,4})/gu

function maskLabelled(text: string): string {
  return text.replace(LABELLED_NAME, (whole, label: string, gap: string, name: string) => {
    // Take the longest leading part that reads as a name: surname + one or two characters.
    const surname = surnameOf(name)
    if (!surname || name.length - surname.length < 1) return whole
    const given = Math.min(2, name.length - surname.length)
    return `${label}${gap}${surname}某${name.slice(surname.length + given)}`
  })
}

function maskTaggedNames(text: string): string {
  let out = ''
  for (const { word, tag } of segmenter().tag(text, true)) {
    const surname = tag === 'nr' ? surnameOf(word) : null
    const isName = surname !== null && word.length >= 2 && word.length <= surname.length + 2 && !/先生|女士|同志|师傅|老师/.test(word)
    out += isName ? `${surname}某` : word
  }
  return out
}

/**
 * The public version of `text`.
 * @example maskPersonalData('张三（电话13812345678）反映…', { names: ['张三'] }) // '张某（电话138****5678）反映…'
 */
export function maskPersonalData(text: string, { names = [] }: { names?: readonly string[] } = {}): string {
  let out = text
  for (const name of [...names].map((n) => n.trim()).filter((n) => n.length >= 2).sort((a, b) => b.length - a.length)) {
    out = out.replace(new RegExp(escapeRegExp(name), 'g'), maskName(name))
  }
  out = out.replace(ID_CARD, (_w, head: string, tail: string) => `${head}${'*'.repeat(11)}${tail.slice(-4)}`)
  out = out.replace(MOBILE, (_w, head: string, _mid: string, tail: string) => `${head}****${tail}`)
  out = out.replace(LANDLINE, (_w, area: string, mid: string, tail: string) => `${area}-${'*'.repeat(mid.length)}${tail}`)
  out = maskLabelled(out)
  return maskTaggedNames(out)
}

/** How the citizen is named in public: the masked name when they allowed it, else 匿名. */
export function publicCitizenName(name: string, isNamePublic: boolean): string {
  return isNamePublic && name.trim() ? maskName(name) : '匿名'
}
