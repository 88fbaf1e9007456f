import crypto from 'node:crypto'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../config.js'
import { buildTestApp, type TestApp } from '../../test/harness.js'

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

async function isReachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379), timeout: 1000 })
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => { socket.destroy(); resolve(false) })
  })
}

const hasRedis = await isReachable(REDIS_URL)
if (!hasRedis) console.warn(`SKIPPING the shared rate-limit tests: no Redis at ${REDIS_URL} (set TEST_REDIS_URL)`)

/** An address nobody else in the run uses: both database tiers share the one Redis. */
function testAddress(): string {
  return `198.51.${crypto.randomInt(0, 256)}.${crypto.randomInt(1, 255)}`
}

const login = (t: TestApp, remoteAddress: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'nobody', password: 'x' }, remoteAddress })

describe.skipIf(!hasRedis)('rate limits shared through Redis (RONGMEI_REDIS_URL)', () => {
  let first: TestApp
  let second: TestApp
  beforeAll(async () => {
    // Two processes behind a load balancer, as far as the counters are concerned.
    first = await buildTestApp({ isSeeded: false, config: { loginRateLimitPerMinute: 3, redisUrl: REDIS_URL } })
    second = await buildTestApp({ isSeeded: false, config: { loginRateLimitPerMinute: 3, redisUrl: REDIS_URL } })
  }, 120_000)
  afterAll(async () => { await first?.close(); await second?.close() })

  it('counts an address once across processes: the fourth attempt is refused wherever it lands', async () => {
    const address = testAddress()
    expect((await login(first, address)).statusCode).toBe(401)
    expect((await login(second, address)).statusCode).toBe(401)
    expect((await login(first, address)).statusCode).toBe(401)
    const limited = await login(second, address)
    expect(limited.statusCode).toBe(429)
    expect(limited.json().code).toBe('RATE_LIMITED')
    expect((await login(first, testAddress())).statusCode).toBe(401)
  })
})

describe('rate limits when Redis is down', () => {
  let t: TestApp
  beforeAll(async () => {
    // Nothing listens on port 1: the store fails at once.
    t = await buildTestApp({ isSeeded: false, config: { loginRateLimitPerMinute: 1, redisUrl: 'redis://127.0.0.1:1' } })
  }, 120_000)
  afterAll(async () => { await t?.close() })

  it('skips the limit instead of refusing every sign-in (the lockout in the database still holds)', async () => {
    const address = testAddress()
    for (let i = 0; i < 3; i++) expect((await login(t, address)).statusCode).toBe(401)
  })
})

describe('RONGMEI_REDIS_URL', () => {
  it('must be a redis:// or rediss:// URL', () => {
    expect(loadConfig({ RONGMEI_REDIS_URL: 'rediss://cache.internal:6380/0' }).redisUrl).toBe('rediss://cache.internal:6380/0')
    expect(() => loadConfig({ RONGMEI_REDIS_URL: 'http://cache.internal' })).toThrow(/RONGMEI_REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/)
  })
})
