/**
 * A small POSIX tar (ustar + pax) writer and reader, enough for Rongmei's own backup archives:
 * regular files streamed in order, long names and large sizes through pax records. Written here
 * rather than pulled in as a dependency because backups need only this much, and a reader that
 * refuses anything odd (bad checksums, early ends) is what restore wants.
 */

const BLOCK = 512
const USTAR_MAX_SIZE = 0o77777777777
const ZERO_BLOCK = Buffer.alloc(BLOCK)

export interface TarSource {
  name: string
  size: number
  mode?: number
  mtime?: Date
  body: AsyncIterable<Buffer> | Buffer
}

export interface TarEntry {
  name: string
  size: number
  mode: number
  type: 'file' | 'directory' | 'other'
  /** The content; must be read before asking for the next entry, or it is skipped. */
  body: AsyncIterable<Buffer>
}

function writeOctal(block: Buffer, value: number, offset: number, length: number): void {
  block.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'ascii')
}

function checksum(block: Buffer): number {
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]
  return sum
}

function header({ name, size, mode, mtime, type }: { name: string; size: number; mode: number; mtime: Date; type: string }): Buffer {
  const block = Buffer.alloc(BLOCK)
  block.write(name, 0, 100, 'utf8')
  writeOctal(block, mode & 0o7777, 100, 8)
  writeOctal(block, 0, 108, 8)
  writeOctal(block, 0, 116, 8)
  writeOctal(block, Math.min(size, USTAR_MAX_SIZE), 124, 12)
  writeOctal(block, Math.floor(mtime.getTime() / 1000), 136, 12)
  block.write(type, 156, 1, 'ascii')
  block.write('ustar\0', 257, 6, 'ascii')
  block.write('00', 263, 2, 'ascii')
  block.write(`${checksum(block).toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii')
  return block
}

function padding(size: number): Buffer {
  const rest = size % BLOCK
  return rest === 0 ? Buffer.alloc(0) : Buffer.alloc(BLOCK - rest)
}

/** A pax record `"<len> <key>=<value>\n"`, where len counts the whole record, itself included. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`
  let length = Buffer.byteLength(body) + 1
  while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body)
  return `${length}${body}`
}

/** The archive as a stream of blocks; each source's body is streamed and its size enforced. */
export async function* writeTar(sources: AsyncIterable<TarSource> | Iterable<TarSource>): AsyncGenerator<Buffer> {
  for await (const source of sources) {
    const mtime = source.mtime ?? new Date()
    const mode = source.mode ?? 0o644
    const isLongName = Buffer.byteLength(source.name) > 100
    if (isLongName || source.size > USTAR_MAX_SIZE) {
      const pax = Buffer.from(
        (isLongName ? paxRecord('path', source.name) : '') + (source.size > USTAR_MAX_SIZE ? paxRecord('size', String(source.size)) : ''),
        'utf8',
      )
      yield header({ name: 'PaxHeader', size: pax.length, mode: 0o644, mtime, type: 'x' })
      yield pax
      yield padding(pax.length)
    }
    yield header({ name: isLongName ? Buffer.from(source.name).subarray(0, 100).toString('utf8') : source.name, size: source.size, mode, mtime, type: '0' })
    let written = 0
    for await (const chunk of Buffer.isBuffer(source.body) ? [source.body] : source.body) {
      written += chunk.length
      if (written > source.size) throw new Error(`${source.name} grew while it was being archived`)
      yield chunk
    }
    if (written !== source.size) throw new Error(`${source.name} shrank while it was being archived`)
    yield padding(source.size)
  }
  yield ZERO_BLOCK
  yield ZERO_BLOCK
}

/** Buffered reads of exact lengths from a chunk stream. */
class ByteReader {
  private chunks: Buffer[] = []
  private length = 0
  private isDone = false
  constructor(private readonly source: AsyncIterator<Buffer>) {}

  private async fill(n: number): Promise<void> {
    while (this.length < n && !this.isDone) {
      const next = await this.source.next()
      if (next.done) this.isDone = true
      else if (next.value.length > 0) { this.chunks.push(next.value); this.length += next.value.length }
    }
  }

  /** Exactly n bytes, or fewer only at the end of the stream. */
  async read(n: number): Promise<Buffer> {
    await this.fill(n)
    const all = Buffer.concat(this.chunks)
    const out = all.subarray(0, n)
    this.chunks = all.length > n ? [all.subarray(n)] : []
    this.length = Math.max(0, all.length - n)
    return out
  }

  /** Up to n bytes, whatever is buffered (at least one byte unless the stream ended). */
  async readSome(n: number): Promise<Buffer> {
    await this.fill(1)
    const first = this.chunks[0]
    if (!first) return Buffer.alloc(0)
    const out = first.subarray(0, n)
    if (out.length === first.length) this.chunks.shift()
    else this.chunks[0] = first.subarray(n)
    this.length -= out.length
    return out
  }
}

function readString(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length)
  const end = raw.indexOf(0)
  return raw.subarray(0, end === -1 ? length : end).toString('utf8')
}

function readOctal(block: Buffer, offset: number, length: number): number {
  const text = readString(block, offset, length).trim()
  return text === '' ? 0 : Number.parseInt(text, 8)
}

function parsePax(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const match = /^\d+ ([^=]+)=(.*)$/s.exec(line)
    if (match) out[match[1]] = match[2]
  }
  return out
}

/**
 * Reads a tar stream entry by entry. Throws on a header whose checksum is wrong and on an archive
 * that ends early: a damaged backup must be refused, not half read.
 */
export async function* readTar(input: AsyncIterable<Buffer>): AsyncGenerator<TarEntry> {
  const reader = new ByteReader(input[Symbol.asyncIterator]())
  let pax: Record<string, string> = {}
  for (;;) {
    const block = await reader.read(BLOCK)
    if (block.length < BLOCK) throw new Error('the archive ends early (truncated)')
    if (block.equals(ZERO_BLOCK)) return
    if (readOctal(block, 148, 8) !== checksum(block)) throw new Error('the archive is damaged (a tar header fails its checksum)')
    const type = String.fromCharCode(block[156] || 0x30)
    const prefix = readString(block, 345, 155)
    const baseName = readString(block, 0, 100)
    const name = pax.path ?? (prefix ? `${prefix}/${baseName}` : baseName)
    const size = pax.size !== undefined ? Number(pax.size) : readOctal(block, 124, 12)
    const mode = readOctal(block, 100, 8)
    if (type === 'x' || type === 'g') {
      const data = await reader.read(size)
      if (data.length < size) throw new Error('the archive ends early (truncated)')
      await reader.read(padding(size).length)
      if (type === 'x') pax = parsePax(data.toString('utf8'))
      continue
    }
    pax = {}
    let remaining = size
    const body = (async function* () {
      while (remaining > 0) {
        const piece = await reader.readSome(remaining)
        if (piece.length === 0) throw new Error('the archive ends early (truncated)')
        remaining -= piece.length
        yield piece
      }
    })()
    yield { name, size, mode, type: type === '0' ? 'file' : type === '5' ? 'directory' : 'other', body }
    while (remaining > 0) {
      const piece = await reader.readSome(remaining)
      if (piece.length === 0) throw new Error('the archive ends early (truncated)')
      remaining -= piece.length
    }
    const pad = padding(size).length
    if ((await reader.read(pad)).length < pad) throw new Error('the archive ends early (truncated)')
  }
}
