import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'
import { photoWithGps, runWorker, upload } from './fixtures/files.js'
import { startS3TestServer, type S3TestServer } from './storage/s3-test-server.js'

/**
 * Video and audio: with ffmpeg (installed by .ci/run) a poster, a web MP4, durations and a
 * waveform; without it the asset stays usable and says why derivatives are missing. Then the
 * whole library on the S3 adapter against the local S3-compatible test server.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rongmei-media-'))
function ffmpeg(args: string[], out: string): Buffer {
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...args, path.join(dir, out)])
  return fs.readFileSync(path.join(dir, out))
}

describe('video and audio with ffmpeg', () => {
  let t: TestApp
  let reporter: Client

  beforeAll(async () => {
    t = await buildTestApp()
    reporter = await signIn(t.app, 'district-a.reporter')
  })
  afterAll(async () => {
    await t.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('makes a poster, a web MP4 (H.264/AAC, faststart) and a waveform for a video', async () => {
    const clip = ffmpeg(['-f', 'lavfi', '-i', 'testsrc=duration=2:size=320x240:rate=15', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2',
      '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-metadata', 'location=+39.9+116.4/'], 'clip.mov')
    const res = await upload(reporter, { file: clip, filename: 'clip.mov', contentType: 'video/quicktime', fields: { title: '现场视频' } })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().kind).toBe('video')
    await runWorker(t.db)
    const view = (await reporter.get(`/api/v1/assets/${res.json().id}`)).json()
    expect(view.derivatives).toEqual({ status: 'ready', reason: null })
    expect(view.durationMs).toBeGreaterThan(1800)
    expect([view.width, view.height]).toEqual([320, 240])
    const names = view.renditions.map((r: any) => `${r.name}.${r.format}`)
    expect(names).toEqual(expect.arrayContaining(['poster.jpeg', 'poster.webp', 'web.mp4']))
    expect(view.media.waveform.peaks).toHaveLength(200)

    const mp4 = view.renditions.find((r: any) => r.format === 'mp4')
    const whole = await t.app.inject({ method: 'GET', url: mp4.url })
    expect(whole.statusCode).toBe(200)
    // faststart: the moov box comes before mdat; no location metadata survives.
    expect(whole.rawPayload.indexOf('moov')).toBeLessThan(whole.rawPayload.indexOf('mdat'))
    expect(whole.rawPayload.includes(Buffer.from('+39.9'))).toBe(false)
    const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', '-'], { input: whole.rawPayload }).toString())
    expect(probe.streams.map((s: any) => s.codec_name).sort()).toEqual(['aac', 'h264'])
    const part = await t.app.inject({ method: 'GET', url: mp4.url, headers: { range: 'bytes=100-199' } })
    expect(part.statusCode).toBe(206)
    expect(part.rawPayload.equals(whole.rawPayload.subarray(100, 200))).toBe(true)
    expect((await t.app.inject({ method: 'GET', url: mp4.url, headers: { range: 'bytes=999999999-' } })).statusCode).toBe(416)
  })

  it('measures an audio recording and draws its waveform', async () => {
    const wav = ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=300:duration=3'], 'voice.wav')
    const res = await upload(reporter, { file: wav, filename: 'voice.wav', contentType: 'audio/wav' })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().kind).toBe('audio')
    await runWorker(t.db)
    const view = (await reporter.get(`/api/v1/assets/${res.json().id}`)).json()
    expect(view.derivatives.status).toBe('ready')
    expect(view.durationMs).toBeGreaterThan(2900)
    const peaks: number[] = view.media.waveform.peaks
    // ffmpeg's sine source plays at 1/8 of full scale.
    expect(Math.max(...peaks)).toBeCloseTo(0.125, 2)
    expect(Math.min(...peaks)).toBeGreaterThan(0.1)
    expect(peaks.every((p) => p >= 0 && p <= 1)).toBe(true)
    expect(view.renditions.map((r: any) => r.mimeType)).toEqual(['audio/mp4'])
  })

  it('records a failure on a video that is not one, and keeps serving', async () => {
    const fake = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42\0\0\0\0mp42isom'), Buffer.alloc(5000, 7)])
    const res = await upload(reporter, { file: fake, filename: 'broken.mp4', contentType: 'video/mp4' })
    expect(res.statusCode, res.body).toBe(201)
    await runWorker(t.db)
    const view = (await reporter.get(`/api/v1/assets/${res.json().id}`)).json()
    expect(view.derivatives.status).toBe('failed')
    expect(view.derivatives.reason).toMatch(/ffprobe|ffmpeg/)
  })
})

describe('without ffmpeg', () => {
  let t: TestApp
  afterAll(async () => { await t.close() })

  it('keeps the video usable and says derivatives are unavailable', async () => {
    t = await buildTestApp({ config: { ffmpegPath: '/nonexistent/ffmpeg', ffprobePath: '/nonexistent/ffprobe' } })
    const reporter = await signIn(t.app, 'district-a.reporter')
    const video = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42\0\0\0\0mp42isom'), Buffer.alloc(5000, 7)])
    const res = await upload(reporter, { file: video, filename: 'clip.mp4', contentType: 'video/mp4' })
    expect(res.statusCode, res.body).toBe(201)
    await runWorker(t.db)
    const view = (await reporter.get(`/api/v1/assets/${res.json().id}`)).json()
    expect(view.derivatives).toEqual({ status: 'unavailable', reason: 'ffmpeg not installed' })
    expect(view.renditions).toEqual([])
    const editor = await signIn(t.app, 'district-a.editor')
    expect((await editor.get(view.originalUrl)).rawPayload.equals(video)).toBe(true)
  })
})

describe('on S3-compatible storage', () => {
  let s3: S3TestServer
  let t: TestApp
  beforeAll(async () => {
    s3 = await startS3TestServer()
    t = await buildTestApp({ config: { storage: 's3', s3Endpoint: s3.endpoint, s3Bucket: s3.bucket, s3AccessKey: s3.accessKey, s3SecretKey: s3.secretKey, s3Region: s3.region } })
  })
  afterAll(async () => {
    await t.close()
    await s3.close()
  })

  it('stores originals and renditions in the bucket and serves them back, ranges included', async () => {
    const reporter = await signIn(t.app, 'district-a.reporter')
    const photo = await photoWithGps()
    const res = await upload(reporter, { file: photo })
    expect(res.statusCode, res.body).toBe(201)
    await runWorker(t.db)
    const view = (await reporter.get(`/api/v1/assets/${res.json().id}`)).json()
    expect(view.derivatives.status).toBe('ready')
    const web = view.renditions.find((r: any) => r.name === 'web' && r.format === 'jpeg')
    const part = await t.app.inject({ method: 'GET', url: web.url, headers: { range: 'bytes=0-1' } })
    expect(part.statusCode).toBe(206)
    expect([...part.rawPayload]).toEqual([0xff, 0xd8])
    const editor = await signIn(t.app, 'district-a.editor')
    expect((await editor.get(view.originalUrl)).rawPayload.equals(photo)).toBe(true)
    expect(s3.requests.some((r) => r.method === 'PUT' && r.path.includes('/originals/'))).toBe(true)
    expect(s3.requests.every((r) => r.status !== 403)).toBe(true)
    expect(fs.existsSync(path.join(t.dataDir, 'files'))).toBe(false)
  })
})
