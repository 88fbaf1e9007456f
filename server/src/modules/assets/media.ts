import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import type { Produced } from './derivatives.js'

/**
 * Video and audio derivatives with ffmpeg (Debian's package) when it is on the machine: probe
 * (duration, size), a poster frame, a web MP4 (H.264/AAC, faststart, no metadata) and waveform
 * peaks. Without ffmpeg the asset stays usable and the API says why derivatives are missing.
 */
export interface FfmpegPaths {
  ffmpeg: string
  ffprobe: string
}

const availability = new Map<string, Promise<boolean>>()

/** True when `ffmpeg -version` runs (checked once per path). */
export function hasFfmpeg(paths: FfmpegPaths): Promise<boolean> {
  const key = `${paths.ffmpeg}\n${paths.ffprobe}`
  if (!availability.has(key)) {
    availability.set(key, Promise.all([run(paths.ffmpeg, ['-version']), run(paths.ffprobe, ['-version'])]).then(() => true, () => false))
  }
  return availability.get(key)!
}

/** Runs a program, resolving with its stdout (bounded) or rejecting with the tail of stderr. */
function run(program: string, args: string[], { timeoutMs = 30 * 60_000 } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.stdout.on('data', (d: Buffer) => { if (out.length < 1_000_000) out += d.toString('utf8') })
    child.stderr.on('data', (d: Buffer) => { err = (err + d.toString('utf8')).slice(-2000) })
    child.on('error', (error) => { clearTimeout(timer); reject(error) })
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code === 0) resolve(out)
      else reject(new Error(`${program} exited with ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`))
    })
  })
}

export interface Probe {
  durationMs: number | null
  width: number | null
  height: number | null
  hasVideo: boolean
  hasAudio: boolean
}

export async function probe(paths: FfmpegPaths, input: string): Promise<Probe> {
  const json = JSON.parse(await run(paths.ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', input])) as {
    format?: { duration?: string }; streams?: Array<{ codec_type?: string; width?: number; height?: number; disposition?: { attached_pic?: number } }>
  }
  const streams = json.streams ?? []
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic)
  const duration = Number(json.format?.duration)
  return {
    durationMs: Number.isFinite(duration) ? Math.round(duration * 1000) : null,
    width: video?.width ?? null, height: video?.height ?? null,
    hasVideo: Boolean(video), hasAudio: streams.some((s) => s.codec_type === 'audio'),
  }
}

async function produced(path: string, name: string, format: string, mimeType: string, file: string, dims: { width: number | null; height: number | null }): Promise<Produced> {
  const hash = crypto.createHash('sha256')
  for await (const chunk of fs.createReadStream(path)) hash.update(chunk as Buffer)
  const bytes = (await fs.promises.stat(path)).size
  return { name, format, mimeType, file, width: dims.width, height: dims.height, bytes, etag: hash.digest('hex').slice(0, 32), path }
}

/** One frame a second in (or at the middle of a short clip), as a JPEG for sharp to finish. */
export async function posterFrame(paths: FfmpegPaths, input: string, output: string, durationMs: number | null): Promise<void> {
  const at = durationMs && durationMs < 2000 ? durationMs / 2000 : 1
  await run(paths.ffmpeg, ['-v', 'error', '-y', '-ss', String(at), '-i', input, '-frames:v', '1', '-q:v', '3', output])
}

/** A web-playable MP4: H.264 (yuv420p, at most 1280 wide) and AAC, moov first, metadata dropped. */
export async function webVideo(paths: FfmpegPaths, input: string, output: string, info: Probe): Promise<Produced> {
  await run(paths.ffmpeg, [
    '-v', 'error', '-y', '-i', input, '-map', '0:v:0', '-map', '0:a:0?', '-map_metadata', '-1',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-vf', "scale='min(1280,iw)':-2",
    '-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', output,
  ])
  const scaled = info.width && info.height && info.width > 1280 ? { width: 1280, height: Math.round(info.height * 1280 / info.width / 2) * 2 } : { width: info.width, height: info.height }
  return produced(output, 'web', 'mp4', 'video/mp4', 'web.mp4', scaled)
}

/** A web-playable AAC audio file without metadata. */
export async function webAudio(paths: FfmpegPaths, input: string, output: string): Promise<Produced> {
  await run(paths.ffmpeg, ['-v', 'error', '-y', '-i', input, '-vn', '-map_metadata', '-1', '-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', output])
  return produced(output, 'web', 'm4a', 'audio/mp4', 'web.m4a', { width: null, height: null })
}

/**
 * Waveform peaks: the audio decoded to 8 kHz mono and reduced, as it streams, to `buckets`
 * maxima in 0..1 (never the whole decoded signal in memory).
 */
export function waveform(paths: FfmpegPaths, input: string, durationMs: number, buckets = 200): Promise<number[]> {
  const rate = 8000
  const total = Math.max(1, Math.round((durationMs / 1000) * rate))
  const perBucket = Math.max(1, Math.ceil(total / buckets))
  return new Promise((resolve, reject) => {
    const child = spawn(paths.ffmpeg, ['-v', 'error', '-i', input, '-vn', '-ac', '1', '-ar', String(rate), '-f', 's16le', '-'], { stdio: ['ignore', 'pipe', 'pipe'] })
    const peaks = new Array<number>(buckets).fill(0)
    let index = 0
    let carry: Buffer | null = null
    child.stdout.on('data', (chunk: Buffer) => {
      const data: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk
      const usable = data.length - (data.length % 2)
      for (let i = 0; i < usable; i += 2) {
        const bucket = Math.min(buckets - 1, Math.floor(index / perBucket))
        const value = Math.abs(data.readInt16LE(i)) / 32768
        if (value > peaks[bucket]) peaks[bucket] = value
        index++
      }
      carry = usable < data.length ? data.subarray(usable) : null
    })
    child.stderr.resume()
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(peaks.map((p) => Math.round(p * 1000) / 1000)) : reject(new Error(`ffmpeg waveform exited with ${code}`))))
  })
}
