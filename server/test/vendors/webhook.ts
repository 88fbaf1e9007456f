import crypto from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A webhook receiver as a partner would write one: it checks `X-Rongmei-Signature`
 * (HMAC-SHA256 of `<timestamp>.<body>`) and the timestamp's age, and applies each
 * `Idempotency-Key` once. It counts every delivery it received, so a test sees retries and
 * duplicates; `failNext` makes it answer errors, `holdNext` keeps a request open.
 */
export interface WebhookReceiver {
  url: string
  secret: string
  /** Every request that passed the signature check, duplicates included. */
  deliveries: Array<{ key: string; body: Record<string, unknown> }>
  /** Distinct idempotency keys applied. */
  applied: Map<string, Record<string, unknown>>
  rejected: number
  failNext(statuses: number[]): void
  /** The next request is held until `release()`; resolves when it arrives. */
  holdNext(): { arrived: Promise<void>; release(): void }
  close(): Promise<void>
}

export async function startWebhookReceiver({ secret = 'partner-shared-secret', maxSkewSeconds = 300 } = {}): Promise<WebhookReceiver> {
  const failures: number[] = []
  let hold: { arrive: () => void; released: Promise<void> } | null = null
  const receiver = {
    deliveries: [], applied: new Map(), rejected: 0, secret,
  } as unknown as WebhookReceiver
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const timestamp = String(req.headers['x-rongmei-timestamp'] ?? '')
      const expected = `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
      const given = String(req.headers['x-rongmei-signature'] ?? '')
      const isFresh = Math.abs(Date.now() / 1000 - Number(timestamp)) <= maxSkewSeconds
      if (given.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected)) || !isFresh) {
        receiver.rejected++
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'bad signature' }))
        return
      }
      const key = String(req.headers['idempotency-key'] ?? '')
      const parsed = JSON.parse(body) as Record<string, unknown>
      receiver.deliveries.push({ key, body: parsed })
      // Applied on receipt: a sender that dies before reading the answer must not cause a second apply.
      const isNew = !receiver.applied.has(key)
      if (isNew) receiver.applied.set(key, parsed)
      if (hold) {
        const current = hold
        hold = null
        current.arrive()
        await current.released
      }
      const status = failures.shift()
      if (status) {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `failing with ${status}` }))
        return
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `post-${receiver.applied.size}`, url: `https://partner.example/posts/${encodeURIComponent(key)}`, isDuplicate: !isNew }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  receiver.url = `http://127.0.0.1:${port}/hook`
  receiver.failNext = (statuses) => { failures.push(...statuses) }
  receiver.holdNext = () => {
    let arrive!: () => void
    let release!: () => void
    const arrived = new Promise<void>((r) => { arrive = r })
    const released = new Promise<void>((r) => { release = r })
    hold = { arrive, released }
    return { arrived, release }
  }
  receiver.close = () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) })
  return receiver
}
