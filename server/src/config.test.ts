import { describe, expect, it } from 'vitest'
import { loadConfig, normalizePublicUrl } from './config.js'

describe('configuration: the public URL', () => {
  const env = { NODE_ENV: 'test', RONGMEI_DATA_DIR: '/tmp/rongmei-config-test' }

  it('defaults to this server on localhost and its port', () => {
    expect(loadConfig(env).publicUrl).toBe('http://localhost:3000')
    expect(loadConfig({ ...env, PORT: '8080' }).publicUrl).toBe('http://localhost:8080')
    expect(loadConfig(env, { port: 4100 }).publicUrl).toBe('http://localhost:4100')
  })

  it('takes RONGMEI_PUBLIC_URL, keeping a path prefix and dropping the trailing slash', () => {
    expect(loadConfig({ ...env, RONGMEI_PUBLIC_URL: 'https://news.example.gov.cn/' }).publicUrl).toBe('https://news.example.gov.cn')
    expect(loadConfig({ ...env, RONGMEI_PUBLIC_URL: 'https://www.example.gov.cn/rongmei/' }).publicUrl).toBe('https://www.example.gov.cn/rongmei')
    expect(loadConfig({ ...env, RONGMEI_PUBLIC_URL: 'http://10.0.0.5:8080' }).publicUrl).toBe('http://10.0.0.5:8080')
  })

  it.each([
    ['news.example.gov.cn', 'no scheme'],
    ['/s/district-a', 'a relative path'],
    ['ftp://news.example.gov.cn', 'not http(s)'],
    ['https://news.example.gov.cn/?from=wechat', 'a query'],
    ['https://news.example.gov.cn/#top', 'a fragment'],
    ['https://user:pw@news.example.gov.cn', 'credentials'],
  ])('refuses %s (%s) at start-up with a message naming the variable', (value) => {
    expect(() => loadConfig({ ...env, RONGMEI_PUBLIC_URL: value })).toThrow(/publicUrl: RONGMEI_PUBLIC_URL must be an absolute http:\/\/ or https:\/\/ URL/)
    expect(() => loadConfig({ ...env, RONGMEI_PUBLIC_URL: value })).toThrow(JSON.stringify(value))
    expect(normalizePublicUrl(value)).toBeNull()
  })

  it('validates an override the same way as the environment', () => {
    expect(() => loadConfig(env, { publicUrl: 'not a url' })).toThrow(/RONGMEI_PUBLIC_URL/)
    expect(loadConfig(env, { publicUrl: 'https://a.example.cn/' }).publicUrl).toBe('https://a.example.cn')
  })
})

describe('configuration: maintenance of the embedded database', () => {
  const env = { NODE_ENV: 'test', RONGMEI_DATA_DIR: '/tmp/rongmei-config-test' }

  it('runs a round every 6 hours unless told otherwise; 0 switches it off; nonsense stops the start', () => {
    expect(loadConfig(env).embeddedMaintenanceHours).toBe(6)
    expect(loadConfig({ ...env, RONGMEI_EMBEDDED_MAINTENANCE_HOURS: '0' }).embeddedMaintenanceHours).toBe(0)
    expect(loadConfig({ ...env, RONGMEI_EMBEDDED_MAINTENANCE_HOURS: '1.5' }).embeddedMaintenanceHours).toBe(1.5)
    expect(() => loadConfig({ ...env, RONGMEI_EMBEDDED_MAINTENANCE_HOURS: 'nightly' })).toThrow(/embeddedMaintenanceHours: must be number/)
    expect(() => loadConfig({ ...env, RONGMEI_EMBEDDED_MAINTENANCE_HOURS: '-1' })).toThrow(/embeddedMaintenanceHours: must be >= 0/)
  })
})
