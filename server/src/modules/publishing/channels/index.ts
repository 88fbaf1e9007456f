import type { Channel } from './channel.js'
import { siteChannel, type SitePublisher } from './site.js'
import { webhookChannel } from './webhook.js'
import { wechatChannel } from './wechat.js'
import { weiboChannel } from './weibo.js'

/** Channels built now; the others (douyin, kuaishou, bilibili, toutiao, app) stay out of the picker. */
export const builtChannels = ['website', 'rss', 'webhook', 'wechat_oa', 'weibo'] as const
export type BuiltChannel = typeof builtChannels[number]

export const channelNames: Record<BuiltChannel, string> = {
  website: '网站', rss: 'RSS/订阅源', webhook: 'Webhook', wechat_oa: '微信公众号', weibo: '微博',
}

/** One adapter per built channel; the site channels write through the site module's publisher. */
export function createChannels(site: SitePublisher): Record<BuiltChannel, Channel> {
  return {
    website: siteChannel('website', site), rss: siteChannel('rss', site),
    webhook: webhookChannel(), wechat_oa: wechatChannel(), weibo: weiboChannel(),
  }
}
