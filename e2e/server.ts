import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { inject } from 'vitest'

export const E2E_PASSWORD = 'E2e-Demo-Pass-1'
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

export interface RunningServer {
  baseUrl: string
  dataDir: string
  output: () => string
  stop(): Promise<void>
}

/**
 * Starts the real server the way a user does (`rongmei serve --seed-demo-if-empty`) on the
 * embedded database in a fresh data directory, and waits until it answers. The directory starts
 * as a copy of the run's seeded template (e2e/global-setup.ts) when there is one, so each spec
 * gets its own platform without paying for migrations and the demo seed again.
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rongmei-e2e-'))
  const template = inject('e2eDataTemplate')
  if (template) fs.cpSync(template, dataDir, { recursive: true })
  return spawnServer(dataDir, env)
}

/** Serves `dataDir`; stop() removes it unless `isKeepingData` (the run's template). */
export async function spawnServer(dataDir: string, env: Record<string, string> = {}, { isKeepingData = false } = {}): Promise<RunningServer> {
  const port = await freePort()
  let log = ''
  const child: ChildProcess = spawn(process.execPath, ['bin/rongmei.js', 'serve', '--seed-demo-if-empty'], {
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1', RONGMEI_DATA_DIR: dataDir, RONGMEI_DEMO_PASSWORD: E2E_PASSWORD, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d) => { log += d })
  child.stderr!.on('data', (d) => { log += d })
  const baseUrl = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 120_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${log}`)
    try {
      const res = await fetch(`${baseUrl}/healthz`)
      if (res.ok) break
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`server did not start in time:\n${log}`)
    await new Promise((r) => setTimeout(r, 250))
  }
  return {
    baseUrl, dataDir, output: () => log,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await new Promise((r) => child.once('exit', r))
      }
      if (!isKeepingData) fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Debian's Chromium, headless, without the background traffic this closed network refuses. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

/**
 * A new browser context signed in to the console as a demo user (zh-CN, Asia/Shanghai), on the
 * dashboard. A page error fails the test that caused it.
 */
export async function openConsoleAs(browser: Browser, baseUrl: string, username: string, {
  viewport = { width: 1366, height: 900 }, acceptDownloads = false,
}: { viewport?: { width: number; height: number }; acceptDownloads?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads })
  const page = await context.newPage()
  page.on('pageerror', (error) => { throw error })
  await page.goto(`${baseUrl}/console/login`)
  await page.getByLabel('用户名').fill(username)
  await page.getByLabel('密码').fill(E2E_PASSWORD)
  await page.getByTestId('login-submit').click()
  await page.getByTestId('dashboard-greeting').waitFor()
  return page
}
