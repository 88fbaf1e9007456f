import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLocalStorage } from './local.js'
import { createS3Storage } from './s3.js'
import { startS3TestServer, type S3TestServer } from './s3-test-server.js'
import { amzDate, signRequest } from './sigv4.js'
import { createUrlSigner } from './signed-url.js'
import { ObjectMissingError, originalKey, type Storage } from './storage.js'

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer))
  return Buffer.concat(chunks)
}

let dir: string
let s3: S3TestServer
const adapters: Record<string, () => Storage> = {
  local: () => createLocalStorage(path.join(dir, 'files')),
  s3: () => createS3Storage({ endpoint: s3.endpoint, bucket: s3.bucket, accessKey: s3.accessKey, secretKey: s3.secretKey, region: s3.region }),
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rongmei-storage-'))
  s3 = await startS3TestServer()
})
afterAll(async () => {
  await s3.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe.each(Object.keys(adapters))('storage contract: %s', (name) => {
  let storage: Storage
  const bytes = crypto.randomBytes(300_000)
  const key = originalKey(crypto.createHash('sha256').update(bytes).digest('hex'))
  beforeAll(() => { storage = adapters[name]() })

  it('stores a file, reports its size and streams it back whole', async () => {
    const file = path.join(dir, `${name}-in.bin`)
    fs.writeFileSync(file, bytes)
    await storage.putFile(key, file, { contentType: 'application/octet-stream' })
    expect(fs.existsSync(file)).toBe(true)
    expect(await storage.head(key)).toEqual({ size: bytes.length })
    expect((await readAll(await storage.read(key))).equals(bytes)).toBe(true)
  })

  it('streams a byte range, both ends inclusive', async () => {
    const part = await readAll(await storage.read(key, { start: 1000, end: 1999 }))
    expect(part.equals(bytes.subarray(1000, 2000))).toBe(true)
    const tail = await readAll(await storage.read(key, { start: bytes.length - 10, end: bytes.length - 1 }))
    expect(tail.equals(bytes.subarray(bytes.length - 10))).toBe(true)
  })

  it('moves a file it is given, replacing an older object', async () => {
    const file = path.join(dir, `${name}-move.bin`)
    fs.writeFileSync(file, 'second version')
    await storage.putFile('derivatives/t/a/thumb.jpg', file, { contentType: 'image/jpeg', isMove: true })
    expect(fs.existsSync(file)).toBe(false)
    fs.writeFileSync(file, 'third')
    await storage.putFile('derivatives/t/a/thumb.jpg', file, { contentType: 'image/jpeg', isMove: true })
    expect((await readAll(await storage.read('derivatives/t/a/thumb.jpg'))).toString()).toBe('third')
  })

  it('says what is missing, and removes idempotently', async () => {
    await storage.remove(key)
    await storage.remove(key)
    expect(await storage.head(key)).toBeNull()
    await expect(storage.read(key)).rejects.toBeInstanceOf(ObjectMissingError)
  })
})

describe('S3 adapter and test server', () => {
  it('signs as AWS documents (the published GET Object example)', () => {
    const { signature } = signRequest({
      method: 'GET', path: '/test.txt', payloadHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      headers: {
        host: 'examplebucket.s3.amazonaws.com', range: 'bytes=0-9', 'x-amz-date': '20130524T000000Z',
        'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      },
    }, { accessKey: 'AKIAIOSFODNN7EXAMPLE', secretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', region: 'us-east-1' })
    expect(signature).toBe('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41')
  })

  it('refuses a request signed with the wrong secret or not signed at all', async () => {
    const wrong = createS3Storage({ endpoint: s3.endpoint, bucket: s3.bucket, accessKey: s3.accessKey, secretKey: 'not-the-secret', region: s3.region })
    await expect(wrong.head('anything')).rejects.toThrow(/403/)
    const unsigned = await fetch(`${s3.endpoint}/${s3.bucket}/anything`, { headers: { 'x-amz-date': amzDate(new Date()) } })
    expect(unsigned.status).toBe(403)
  })
})

describe('signed URLs', () => {
  const signer = createUrlSigner(crypto.randomBytes(32), 60)
  const now = new Date('2030-01-01T00:00:00Z')

  it('accept their own path until they expire, and nothing altered', () => {
    const url = new URL(signer.sign('/media/private/a/b', { now }), 'http://x')
    const [exp, sig] = [url.searchParams.get('exp')!, url.searchParams.get('sig')!]
    expect(signer.verify('/media/private/a/b', exp, sig, now)).toBe(true)
    expect(signer.verify('/media/private/a/c', exp, sig, now)).toBe(false)
    expect(signer.verify('/media/private/a/b', String(Number(exp) + 1), sig, now)).toBe(false)
    expect(signer.verify('/media/private/a/b', exp, sig, new Date(now.getTime() + 61_000))).toBe(false)
    expect(signer.verify('/media/private/a/b', undefined, sig, now)).toBe(false)
  })
})
