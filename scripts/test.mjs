#!/usr/bin/env node
// The one test command (`npm test`, also run by .ci/run). It runs the server suite on PGlite and
// on a Postgres server, and the browser tier in Debian's Chromium, saying loudly what it skips.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'

const isCI = process.env.CI === 'true'
const url = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const extraArgs = process.argv.slice(2)

function reachable(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port), timeout: 2000 })
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => { socket.destroy(); resolve(false) })
  })
}

function warn(lines) {
  const bar = '!'.repeat(78)
  console.warn(`\n${bar}\n${lines.map((l) => `!! ${l}`).join('\n')}\n${bar}\n`)
}

const projects = ['pglite']
if (await reachable(url.hostname, url.port || 5432)) {
  projects.push('postgres')
} else if (isCI) {
  console.error(`No Postgres server at ${url.host} (TEST_DATABASE_URL); CI=true requires it.`)
  process.exit(1)
} else {
  warn([`SKIPPING the Postgres tier: nothing listens at ${url.host}.`,
    'Install and start PostgreSQL (Debian: apt-get install -y postgresql), or set TEST_DATABASE_URL.'])
}

if (fs.existsSync(chromium)) {
  projects.push('e2e')
} else if (isCI) {
  console.error(`No Chromium at ${chromium}; CI=true requires it (apt-get install -y chromium).`)
  process.exit(1)
} else {
  warn([`SKIPPING the browser tier: no Chromium at ${chromium}.`, 'Install it with: apt-get install -y chromium (or set CHROMIUM_PATH).'])
}

// PDF records and screenshots need a Chinese font; without one they render empty boxes.
const fonts = spawnSync('fc-list', [':lang=zh'], { encoding: 'utf8' })
if (!fonts.stdout?.trim()) {
  if (isCI) {
    console.error('No Chinese font installed; CI=true requires one (apt-get install -y fonts-wqy-microhei).')
    process.exit(1)
  }
  warn(['No Chinese font found: the PDF record tests will fail.', 'Install one with: apt-get install -y fonts-wqy-microhei'])
}

// Video and audio derivatives are tested with Debian's ffmpeg.
if (spawnSync('ffmpeg', ['-version']).status !== 0) {
  if (isCI) {
    console.error('No ffmpeg; CI=true requires it (apt-get install -y ffmpeg).')
    process.exit(1)
  }
  warn(['No ffmpeg found: the media library\'s video and audio tests will fail.', 'Install it with: apt-get install -y ffmpeg'])
}

if (projects.includes('e2e')) {
  const build = spawnSync('npm', ['run', '--silent', 'build:web'], { stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}

const args = ['vitest', 'run', ...projects.flatMap((p) => ['--project', p]), ...extraArgs]
const result = spawnSync('npx', args, { stdio: 'inherit' })
process.exit(result.status ?? 1)
