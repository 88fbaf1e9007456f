import crypto from 'node:crypto'
import type { Tx } from '../../db/scope.js'
import { createSitePublisher } from './site.publisher.js'

/**
 * Demo content of the public site: a few published stories per center (our own words), so a
 * fresh `npm start` shows a living site at /s/<center>/. Idempotent: a center whose site already
 * has stories is left as it is.
 */

interface DemoStory { section: string; title: string; summary: string; paragraphs: string[]; tags: string[]; hoursAgo: number; correction?: string; withdrawal?: string }

function storiesFor(district: string): DemoStory[] {
  return [
    {
      section: '时政要闻', title: `${district}区召开2026年冬季安全生产工作部署会`, hoursAgo: 3, tags: ['安全生产', '会议'],
      summary: `会议要求各街道、各部门压实责任，做好冬季燃气、消防和道路交通安全工作。`,
      paragraphs: [
        `11月22日上午，${district}区召开冬季安全生产工作部署会，分析当前安全形势，部署今冬明春重点工作。`,
        '会议指出，冬季是燃气、消防、道路交通事故的多发期，各街道要对老旧小区燃气管线开展一次全面排查，发现隐患立即整改。',
        '会议要求，各部门要把责任落实到岗、到人，畅通群众举报渠道，对群众反映的安全隐患做到当天受理、限时办结。',
      ],
    },
    {
      section: '民生服务', title: `第三代社保卡在${district}区全面启用，办理网点增至12个`, hoursAgo: 20, tags: ['社保卡', '便民服务'],
      summary: '市民可携带身份证到任一网点现场办理，也可通过线上渠道申领，最快当天领卡。',
      paragraphs: [
        `记者从${district}区人力资源和社会保障局获悉，第三代社保卡已在全区全面启用，办理网点由原来的5个增加到12个。`,
        '第三代社保卡加载了电子健康档案、交通出行等功能，原有社保卡继续有效，群众无需集中换卡。',
        '办理时间为工作日上午9:00至12:00、下午14:00至17:30。行动不便的老年人可预约上门服务。',
      ],
    },
    {
      section: '民生服务', title: `${district}区12条道路启动雨污分流改造，请市民合理安排出行`, hoursAgo: 30, tags: ['道路施工', '出行提示'],
      summary: '施工期间部分路段实行半幅通行，公交线路临时调整。',
      paragraphs: [
        '为解决雨季内涝问题，区住建部门将于12月起对12条道路实施雨污分流改造，工期约4个月。',
        '施工期间，部分路段实行半幅通行，3条公交线路临时绕行。请市民提前规划路线，注意施工安全提示。',
      ],
      correction: '原稿中“工期约3个月”有误，应为“工期约4个月”，特此更正。',
    },
    {
      section: '民生服务', title: `${district}区部分小区明日停水通知`, hoursAgo: 70, tags: ['停水'],
      summary: '因管网检修，部分小区明日停水。', paragraphs: ['因管网检修，部分小区明日9:00至18:00停水，请提前储水。'],
      withdrawal: '经核实，停水时间和范围有误，本稿件已撤回，请以自来水公司公告为准。',
    },
    {
      section: '文化旅游', title: `${district}湿地公园迎来首批越冬候鸟`, hoursAgo: 50, tags: ['生态', '旅游'],
      summary: '今年观测到的候鸟种类比去年同期增加6种，公园提醒游客文明观鸟。',
      paragraphs: [
        `连日来，${district}湿地公园迎来首批越冬候鸟，白鹭、苍鹭和小天鹅在湖面上觅食嬉戏。`,
        '公园管理处介绍，今年观测到的候鸟种类比去年同期增加6种。公园在观鸟区设置了科普展板，提醒游客不投喂、不惊扰、不使用无人机。',
      ],
    },
  ]
}

/**
 * A demo story's id, the same on every installation (`site-demo:<slug>:<n>` hashed into a UUID),
 * so end-to-end tests and documentation can point at, say, the withdrawn one.
 */
export function demoStoryId(slug: string, index: number): string {
  const h = crypto.createHash('sha256').update(`site-demo:${slug}:${index}`).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/** The index of the demo story that is published and then withdrawn (its page answers 410). */
export const DEMO_WITHDRAWN_INDEX = 3

/** Publishes the demo stories of each center (ids by slug) on its website and feeds. */
export async function seedSiteDemo(trx: Tx, centers: ReadonlyMap<string, { id: string }>, districtNames: Record<string, string>): Promise<void> {
  const publisher = createSitePublisher({ db: null as never })
  for (const [slug, district] of Object.entries(districtNames)) {
    const center = centers.get(slug)
    if (!center) continue
    const existing = await trx.selectFrom('site_articles').select('story_id').where('tenant_id', '=', center.id).limit(1).executeTakeFirst()
    if (existing) continue
    for (const [index, s] of storiesFor(district).entries()) {
      const publishedAt = new Date(Date.now() - s.hoursAgo * 3_600_000)
      const article = {
        tenantId: center.id, storyId: demoStoryId(slug, index), versionNumber: s.correction ? 2 : 1, versionHash: crypto.randomBytes(16).toString('hex'),
        title: s.title, subtitle: '', summary: s.summary, bodyHtml: s.paragraphs.map((p) => `<p>${p}</p>`).join(''),
        byline: '记者 融媒体中心', source: `${district}区融媒体中心`, section: s.section, tags: s.tags, cover: null, publishedAt,
        correctedAt: s.correction ? new Date(publishedAt.getTime() + 3_600_000) : null, correctionNote: s.correction ?? null,
      }
      await publisher.publish(trx, { channel: 'website', article })
      await publisher.publish(trx, { channel: 'rss', article })
      if (s.withdrawal) {
        const at = new Date(publishedAt.getTime() + 7_200_000)
        for (const channel of ['website', 'rss'] as const) await publisher.withdraw(trx, { channel, tenantId: center.id, storyId: article.storyId, reason: s.withdrawal, at })
      }
    }
  }
}
