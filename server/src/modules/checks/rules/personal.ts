import type { Rule } from '../checks.types.js'
import { sources } from './sources.js'

/** Personal data in the text and links; validators check checksums and URL syntax. */
export const personalRules: Rule[] = [
  { id: 'privacy.id-number', category: 'privacy', severity: 'block', kind: 'validator', validator: 'idCard', suggestion: null, message: '文中出现有效的居民身份证号码（校验码正确），属个人敏感信息，发布前须删除或脱敏', source: sources.idNumber },
  { id: 'privacy.bank-card', category: 'privacy', severity: 'block', kind: 'validator', validator: 'bankCard', suggestion: null, message: '文中出现银行卡号（通过Luhn校验），属金融账户信息，发布前须删除或脱敏', source: sources.personalInfo },
  { id: 'privacy.mobile', category: 'privacy', severity: 'review', kind: 'validator', validator: 'mobile', suggestion: null, message: '文中出现手机号码，属个人信息；除经本人同意公开的办事电话外，应脱敏处理', source: sources.personalInfo },
  {
    id: 'privacy.protected-name', category: 'privacy', severity: 'review', kind: 'validator', validator: 'protectedName',
    anchors: ['未成年', '受害人', '被害人', '受害者', '被害者', '患者', '患儿', '感染者', '病人', '吸毒人员', '戒毒人员', '女童', '男童', '被拐'], reach: 12,
    suggestion: null, message: '涉案未成年人、受害人及患者等不得使用真实姓名，应以姓氏加“某”代替（如“张某”）', source: sources.minors,
  },
  { id: 'link.insecure', category: 'link', severity: 'hint', kind: 'validator', validator: 'insecureLink', suggestion: null, message: '链接使用不加密的 http 协议，政务内容应使用 https 链接', source: sources.house },
  // Runs on the story body's images (images.ts), not on text: its anchor never occurs in text.
  {
    id: 'link.image-caption', category: 'link', severity: 'review', kind: 'validator', validator: 'imageCaption', anchors: ['\uFFFC'], reach: 1,
    suggestion: null, message: '图片缺少图说或作者（来源）署名：发布的图片应有说明，并注明摄影者或来源（如“记者 张三 摄”“受访者供图”）', source: sources.house,
  },
  { id: 'link.malformed', category: 'link', severity: 'review', kind: 'validator', validator: 'malformedLink', suggestion: null, message: '链接格式有误（协议、冒号、斜杠或域名不正确），读者无法打开', source: sources.inspection },
]
