/**
 * Media library benchmark.
 *  1. Thumbnails per second for 12-megapixel JPEGs (4000 × 3000) on this machine's cores, two
 *     at a time, and the full derivative set per picture (web, thumbnail × JPEG/WebP/AVIF, crops).
 *  2. Upload throughput in MB/s for a 1 GB file through the real HTTP endpoint (the app listening
 *     on a port, the request streamed from a file), with the server's RSS sampled during the
 *     upload to show memory stays flat (the file is streamed to disk, never held).
 *
 *   npx tsx bench/assets.bench.ts           (or: npm run bench:assets)
 *   BENCH_UPLOAD_MB=200 npx tsx bench/assets.bench.ts   for a quicker run
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import sharp from 'sharp'
import { buildApp } from '../server/src/app.js'
import { loadConfig } from '../server/src/config.js'
import { openPGlite } from '../server/src/db/database.js'
import { migrate } from '../server/src/db/migrate.js'
import { makePictureDerivatives } from '../server/src/modules/assets/derivatives.js'
import { syncBuiltinRoles } from '../server/src/modules/identity/builtin-roles.js'
import { seedDemo } from '../server/src/seed/demo.js'

const PICTURES = Number(process.env.BENCH_PICTURES ?? 6)
const THUMB_ROUNDS = Number(process.env.BENCH_THUMB_ROUNDS ?? 4)
const UPLOAD_MB = Number(process.env.BENCH_UPLOAD_MB ?? 1024)
const PARALLEL = 2

/** Figures of the first run on the reference machine (2 cores, 24 GB, local disk), for comparison. */
const BASELINE = { thumbsPerSecond: 14.2, derivativeSetsPerSecond: 0.71, uploadMBps: 275, rssGrowthMB: 50 }

const mb = (bytes: number) => bytes / (1024 * 1024)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rongmei-bench-assets-'))

/** A 12 MP camera-like JPEG: gradient plus noise, so it compresses like a photo (~3–5 MB). */
async function cameraJpeg(seed: number): Promise<string> {
  const width = 4000
  const height = 3000
  const noise = await sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 30 } } }).png().toBuffer()
  const file = path.join(dir, `photo-${seed}.jpg`)
  await sharp({ create: { width, height, channels: 3, background: { r: (seed * 40) % 255, g: 120, b: 200 } } })
    .composite([{ input: noise, blend: 'overlay' }]).jpeg({ quality: 90 }).toFile(file)
  return file
}

async function inParallel<T>(items: T[], worker: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    while (next < items.length) await worker(items[next++])
  }))
}

async function thumbnails(): Promise<void> {
  console.log(`\n1. Thumbnails from 12-megapixel JPEGs (${os.cpus().length} cores, ${PARALLEL} at a time, libvips threads ${sharp.concurrency()})`)
  const files = await Promise.all(Array.from({ length: PICTURES }, (_, i) => cameraJpeg(i)))
  console.log(`   ${PICTURES} pictures of 4000×3000, ${mb(fs.statSync(files[0]).size).toFixed(1)} MB each`)
  const jobs = Array.from({ length: PICTURES * THUMB_ROUNDS }, (_, i) => files[i % PICTURES])
  await sharp(files[0]).resize(320).jpeg().toBuffer()
  let started = performance.now()
  await inParallel(jobs, (file) => sharp(file).rotate().resize(320, 320, { fit: 'inside' }).jpeg({ quality: 82 }).toBuffer())
  const thumbsPerSecond = jobs.length / ((performance.now() - started) / 1000)
  console.log(`   thumbnail (320 px JPEG): ${thumbsPerSecond.toFixed(1)} per second   (baseline ${BASELINE.thumbsPerSecond})`)

  started = performance.now()
  await inParallel(files, (file) => makePictureDerivatives({ input: file, tmpBase: `${file}.d`, focal: { x: 0.5, y: 0.5 }, maxPixels: 100_000_000 }))
  const setsPerSecond = files.length / ((performance.now() - started) / 1000)
  console.log(`   full derivative set (16 files: web/thumb × JPEG/WebP/AVIF, 4 crops × JPEG/WebP): ${setsPerSecond.toFixed(2)} pictures per second   (baseline ${BASELINE.derivativeSetsPerSecond})`)
}

/** A file that sniffs as MP4 (an ftyp box) followed by incompressible bytes. */
function bigVideoFile(megabytes: number): string {
  const file = path.join(dir, 'big.mp4')
  const out = fs.openSync(file, 'w')
  const block = crypto.randomBytes(1024 * 1024)
  fs.writeSync(out, Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42\0\0\0\0mp42isom', 'latin1')]))
  for (let i = 0; i < megabytes; i++) {
    block.writeUInt32LE(i, 0)
    fs.writeSync(out, block)
  }
  fs.closeSync(out)
  return file
}

function request(port: number, options: http.RequestOptions, body?: Readable | string): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, ...options }, (res) => {
      let text = ''
      res.on('data', (d) => { text += d })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }))
    })
    req.on('error', reject)
    if (body instanceof Readable) body.pipe(req)
    else req.end(body)
  })
}

async function upload(): Promise<void> {
  console.log(`\n2. Upload of a ${UPLOAD_MB} MB file through POST /api/v1/assets (embedded database, local storage)`)
  const file = bigVideoFile(UPLOAD_MB)
  const dataDir = path.join(dir, 'data')
  const db = await openPGlite(dataDir)
  await migrate(db)
  await syncBuiltinRoles(db)
  await seedDemo(db, { password: 'Bench-Demo-Pass-1' })
  const config = loadConfig({ NODE_ENV: 'test', RONGMEI_DATA_DIR: dataDir })
  const app = await buildApp({ config, db })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port
  try {
    const login = await request(port, { method: 'POST', path: '/api/v1/auth/login', headers: { 'content-type': 'application/json' } },
      JSON.stringify({ username: 'district-a.reporter', password: 'Bench-Demo-Pass-1' }))
    const cookie = String(login.headers['set-cookie']?.[0]).split(';')[0]
    const csrf = JSON.parse(login.text).csrfToken as string

    const boundary = `----bench${crypto.randomBytes(8).toString('hex')}`
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n基准测试视频\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n`)
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
    const size = fs.statSync(file).size
    const body = Readable.from((async function* () {
      yield head
      for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 })) yield chunk
      yield tail
    })())

    global.gc?.()
    const rssBefore = process.memoryUsage().rss
    const samples: number[] = []
    const sampler = setInterval(() => samples.push(process.memoryUsage().rss), 100)
    const started = performance.now()
    const res = await request(port, {
      method: 'POST', path: '/api/v1/assets',
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + size + tail.length) },
    }, body)
    const seconds = (performance.now() - started) / 1000
    clearInterval(sampler)
    if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${res.text.slice(0, 300)}`)
    const asset = JSON.parse(res.text)
    const peak = Math.max(...samples)
    console.log(`   201 in ${seconds.toFixed(1)} s → ${(mb(size) / seconds).toFixed(0)} MB/s   (baseline ${BASELINE.uploadMBps} MB/s); kind ${asset.kind}, sha256 ${asset.sha256.slice(0, 12)}…`)
    console.log(`   RSS (client and server in this one process): before ${mb(rssBefore).toFixed(0)} MB, peak ${mb(peak).toFixed(0)} MB, growth ${mb(peak - rssBefore).toFixed(0)} MB over ${samples.length} samples   (baseline growth ${BASELINE.rssGrowthMB} MB)`)
    const quarter = Math.max(1, Math.floor(samples.length / 4))
    console.log(`   RSS by quarter of the upload (MB): ${[0, 1, 2, 3].map((q) => mb(Math.max(...samples.slice(q * quarter, (q + 1) * quarter + 1))).toFixed(0)).join(' → ')}`)
  } finally {
    await app.close()
    await db.close()
  }
}

try {
  await thumbnails()
  await upload()
} finally {
  fs.rmSync(dir, { recursive: true, force: true })
}
