import type { Tx } from '../../../db/scope.js'
import { htmlToPlainText } from '../../../kernel/text/sanitize.js'

/**
 * One interface for every channel (STYLE.md §7): validate → problems, render → payload, publish,
 * status, update, withdraw, token refresh, with declared capabilities. The runner
 * (publishing.jobs.ts) drives them and owns retries, leases and rate limits; adapters only speak
 * to their platform and say how an answer should be treated.
 */

/** The story as every channel sees it: one signed-off version, already shaped by overrides. */
export interface ChannelStory {
  tenantId: string
  centerSlug: string
  storyId: string
  versionNumber: number
  versionHash: string
  title: string
  subtitle: string
  summary: string
  /** Sanitised with the story profile; each adapter re-sanitises with its channel's profile. */
  bodyHtml: string
  byline: string
  source: string
  section: string
  tags: string[]
  cover: ChannelImage | null
  /** Absolute URL of the story on the center's own site (Weibo needs a link, WeChat a source URL). */
  siteUrl: string
  publishedAt: Date
  correctedAt: Date | null
  correctionNote: string | null
  /** The bytes of a body image by its src, for platforms that re-host images; null when unreadable. */
  loadImage?(src: string): Promise<{ bytes: Buffer; contentType: string } | null>
}

export interface ChannelImage {
  /** Absolute URL (for outside platforms). */
  url: string
  /** Our own path (`/media/…`), what the public site stores. */
  path: string
  /** The media-library asset, so its use by a live publication is recorded (licences). */
  assetId?: string
  width: number
  height: number
  alt: string
  contentType: string
  /** The bytes, for platforms that take an upload (WeChat thumb material, Weibo pic). */
  read(): Promise<Buffer>
}

export interface ChannelAccount {
  id: string
  tenantId: string
  name: string
  settings: Record<string, unknown>
  credentials: Record<string, string>
}

/** Where an adapter keeps an access token between calls (sealed in the account row). */
export interface TokenStore {
  get(): Promise<{ token: string; expiresAt: Date } | null>
  save(token: { token: string; expiresAt: Date }): Promise<void>
}

export interface ChannelContext {
  account: ChannelAccount
  /** Story version + account + action: sent to platforms that accept one. */
  idempotencyKey: string
  tokens: TokenStore
  fetch: typeof fetch
  /** Only for local channels (website, rss): the transaction that also records the outcome. */
  trx?: Tx
  now: Date
  /** What an earlier, failed attempt of this job finished (see ChannelError.remote). */
  resume?: Record<string, unknown>
  /** Durably records the steps finished so far (merged into what `resume` gives a retry), before a call that must not run twice. */
  checkpoint?(progress: Record<string, unknown>): Promise<void>
}

export type ProblemSeverity = 'error' | 'warning'

/** Something a channel would refuse (`error`, the default) or send anyway but differently (`warning`). */
export interface Problem {
  field: string
  /** Chinese, for the editor: what is wrong and what to do about it. */
  message: string
  /** A stable code for the console; when an adapter gives none the service derives `<CHANNEL>_<FIELD>`. */
  code?: string
  severity?: ProblemSeverity
}

/**
 * What a channel will receive, for the publish dialog's check before sending: the title and
 * summary as the channel shows them (already cut as the adapter cuts them), and the lengths the
 * channel counts against its limits.
 */
export interface ChannelPreview {
  title: string
  titleLength: number
  titleLimit: number
  summary: string
  /** The exact text of a text post (Weibo); null where the channel sends an article. */
  text: string | null
  /** In the channel's own counting (Weibo's halves, or characters of the plain body). */
  textLength: number
  textLimit: number | null
  /** Our own path of the cover rendition the channel gets, for display; null without a cover. */
  coverUrl: string | null
  link: string
}

/** The preview of an article channel that does not describe its own: title, summary and plain body as they are. */
export function articlePreview(story: ChannelStory, capabilities: Capabilities): ChannelPreview {
  return {
    title: story.title, titleLength: charLength(story.title), titleLimit: capabilities.maxTitleLength,
    summary: story.summary, text: null, textLength: charLength(htmlToPlainText(story.bodyHtml)), textLimit: capabilities.maxTextLength,
    coverUrl: story.cover?.path ?? null, link: story.siteUrl,
  }
}

/** A platform's answer to a send. `remote` is kept on the publication for later steps. */
export type SendResult =
  | { status: 'live'; url: string | null; remote: Record<string, unknown> }
  | { status: 'awaiting_platform'; remote: Record<string, unknown> }

export interface Capabilities {
  maxTitleLength: number
  /** Text limit in the platform's own counting; null when there is none worth checking. */
  maxTextLength: number | null
  media: string
  /** True when the platform answers later (status polling or callback). */
  isAsync: boolean
  /** True when a live item can be changed in place; otherwise a correction notice is published. */
  canUpdate: boolean
  canWithdraw: boolean
  /** Website and rss write our own database inside the job's transaction. */
  isLocal: boolean
}

/** Which credential and setting fields an account of this channel takes (the console's form). */
export interface AccountFields {
  credentials: readonly string[]
  requiredCredentials: readonly string[]
  settings: readonly string[]
}

export interface Channel {
  kind: string
  capabilities: Capabilities
  fields: AccountFields
  validate(story: ChannelStory, account: ChannelAccount): Problem[]
  render(story: ChannelStory, account: ChannelAccount): unknown
  /** What the channel will receive; channels without one are previewed with `articlePreview`. */
  preview?(story: ChannelStory, account: ChannelAccount): ChannelPreview
  publish(ctx: ChannelContext, story: ChannelStory): Promise<SendResult>
  /** For async platforms: where the send stands now. */
  status?(ctx: ChannelContext, remote: Record<string, unknown>): Promise<SendResult | { status: 'failed'; error: ChannelError }>
  update?(ctx: ChannelContext, story: ChannelStory, remote: Record<string, unknown>): Promise<SendResult>
  withdraw?(ctx: ChannelContext, input: { storyId: string; remote: Record<string, unknown>; reason: string }): Promise<'removed' | 'hidden'>
  /** Checks the credentials against the platform (the "test connection" action). */
  test(ctx: Omit<ChannelContext, 'idempotencyKey'>): Promise<string>
}

/**
 * How a failed call should be treated: `isRetryable` (network, 5xx, rate limits) goes back to
 * the queue with backoff; otherwise the publication fails with the platform's own message and a
 * hint saying what to do. `needsReauth` also marks the account as needing re-authorisation.
 */
export class ChannelError extends Error {
  readonly code: string
  readonly hint: string
  readonly isRetryable: boolean
  readonly needsReauth: boolean
  readonly retryAfterMs?: number
  /** Steps a multi-step send finished before failing, kept so a retry resumes after them. */
  remote?: Record<string, unknown>

  constructor({ code, message, hint, isRetryable = false, needsReauth = false, retryAfterMs }: {
    code: string; message: string; hint: string; isRetryable?: boolean; needsReauth?: boolean; retryAfterMs?: number
  }) {
    super(message)
    this.name = 'ChannelError'
    this.code = code
    this.hint = hint
    this.isRetryable = isRetryable
    this.needsReauth = needsReauth
    this.retryAfterMs = retryAfterMs
  }
}

/** A network failure (refused, reset, timeout) as a retryable ChannelError. */
export function networkError(error: unknown, platform: string): ChannelError {
  return new ChannelError({
    code: 'NETWORK', message: `${platform}: ${(error as Error).message ?? String(error)}`,
    hint: '网络不通或平台暂时无响应，系统会自动重试', isRetryable: true,
  })
}

/** Fetch with a timeout; network failures become retryable ChannelErrors. */
export async function call(ctx: Pick<ChannelContext, 'fetch'>, platform: string, url: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<Response> {
  try {
    return await ctx.fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? 30_000) })
  } catch (error) {
    throw networkError(error, platform)
  }
}

/** Counts characters as people see them (code points, not UTF-16 units). */
export function charLength(text: string): number {
  return [...text].length
}

export function requireCredential(account: ChannelAccount, name: string): string {
  const value = account.credentials[name]
  if (!value) {
    throw new ChannelError({ code: 'CREDENTIALS_MISSING', message: `账号缺少凭据 ${name}`, hint: '请在账号管理中补全凭据后重试', needsReauth: true })
  }
  return value
}
