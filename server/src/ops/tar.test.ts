import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { readTar, writeTar, type TarSource } from './tar.js'

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const chunk of chunks) parts.push(chunk)
  return Buffer.concat(parts)
}

/** Feeds `bytes` in pieces of 1..7 bytes, the worst a reader can be handed. */
async function* dribble(bytes: Buffer): AsyncGenerator<Buffer> {
  for (let i = 0, step = 1; i < bytes.length; i += step, step = (step % 7) + 1) yield bytes.subarray(i, i + step)
}

async function readAll(bytes: Buffer) {
  const out: Array<{ name: string; mode: number; content: string }> = []
  for await (const entry of readTar(dribble(bytes))) out.push({ name: entry.name, mode: entry.mode, content: (await collect(entry.body)).toString('utf8') })
  return out
}

const longName = `files/media/${'目录'.repeat(30)}/文件.txt`
const sources = (): TarSource[] => [
  { name: 'db/a.ndjson', size: 6, body: Buffer.from('{"a":1') },
  { name: 'empty', size: 0, body: Buffer.alloc(0) },
  { name: longName, size: Buffer.byteLength('内容'), mode: 0o600, body: Buffer.from('内容') },
  { name: 'block.bin', size: 512, body: (async function* () { yield Buffer.alloc(100, 1); yield Buffer.alloc(412, 2) })() },
]

describe('tar', () => {
  it('round-trips names (long ones through pax), modes and contents, read in tiny pieces', async () => {
    const bytes = await collect(writeTar(sources()))
    expect(bytes.length % 512).toBe(0)
    const entries = await readAll(bytes)
    expect(entries.map((e) => e.name)).toEqual(['db/a.ndjson', 'empty', longName, 'block.bin'])
    expect(entries[0].content).toBe('{"a":1')
    expect(entries[1].content).toBe('')
    expect(entries[2]).toMatchObject({ content: '内容', mode: 0o600 })
    expect(entries[3].content.length).toBe(512)
  })

  it('skips bodies the reader does not consume', async () => {
    const names: string[] = []
    for await (const entry of readTar(dribble(await collect(writeTar(sources()))))) names.push(entry.name)
    expect(names).toEqual(['db/a.ndjson', 'empty', longName, 'block.bin'])
  })

  it('writes archives the system tar reads', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rongmei-tar-'))
    try {
      fs.writeFileSync(path.join(dir, 'x.tar'), await collect(writeTar(sources())))
      const listing = spawnSync('tar', ['-tf', path.join(dir, 'x.tar')], { encoding: 'utf8' })
      expect(listing.status).toBe(0)
      expect(listing.stdout.trim().split('\n')).toEqual(['db/a.ndjson', 'empty', longName, 'block.bin'])
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses a damaged header and an archive that ends early', async () => {
    const bytes = await collect(writeTar(sources()))
    const damaged = Buffer.from(bytes)
    damaged[5] ^= 0xff
    await expect(readAll(damaged)).rejects.toThrow(/checksum/)
    await expect(readAll(bytes.subarray(0, 600))).rejects.toThrow(/ends early/)
    await expect(readAll(bytes.subarray(0, bytes.length - 1024))).rejects.toThrow(/ends early/)
  })

  it('refuses a source whose size is not what it said', async () => {
    await expect(collect(writeTar([{ name: 'x', size: 3, body: Buffer.from('four') }]))).rejects.toThrow(/grew/)
    await expect(collect(writeTar([{ name: 'x', size: 5, body: Buffer.from('four') }]))).rejects.toThrow(/shrank/)
  })
})
