import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { parseAuthorization, signRequest } from './sigv4.js'

/**
 * A small S3-compatible server for tests (MinIO cannot be installed here): path-style PutObject,
 * GetObject with Range, HeadObject and DeleteObject, objects kept as files, and every request's
 * SigV4 signature recomputed and checked. Listens on 127.0.0.1 only.
 */
export interface S3TestServer {
  endpoint: string
  bucket: string
  accessKey: string
  secretKey: string
  region: string
  /** Requests seen, for assertions (method and path). */
  requests: Array<{ method: string; path: string; status: number }>
  close(): Promise<void>
}

function xmlError(res: http.ServerResponse, status: number, code: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' })
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code></Error>`)
}

export async function startS3TestServer({ bucket = 'rongmei-test', accessKey = 'TESTACCESSKEY', secretKey = 'test-secret-key-0123456789', region = 'us-east-1' } = {}): Promise<S3TestServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rongmei-s3-'))
  const requests: S3TestServer['requests'] = []
  const fileOf = (key: string) => path.join(root, crypto.createHash('sha256').update(key).digest('hex'))

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const record = (status: number) => requests.push({ method: req.method ?? '', path: url.pathname, status })
    try {
      const auth = parseAuthorization(req.headers.authorization)
      if (!auth || auth.accessKey !== accessKey || !req.headers['x-amz-date'] || !req.headers['x-amz-content-sha256']) {
        record(403)
        return xmlError(res, 403, 'AccessDenied')
      }
      const headers = Object.fromEntries(auth.signedHeaders.map((h) => [h, String(req.headers[h] ?? '')]))
      const expected = signRequest({ method: req.method ?? 'GET', path: url.pathname, headers, payloadHash: String(req.headers['x-amz-content-sha256']) }, { accessKey, secretKey, region })
      if (expected.signature !== auth.signature || !auth.signedHeaders.includes('host')) {
        record(403)
        return xmlError(res, 403, 'SignatureDoesNotMatch')
      }
      const [, bucketName, ...rest] = url.pathname.split('/')
      if (bucketName !== bucket || rest.length === 0) {
        record(404)
        return xmlError(res, 404, 'NoSuchBucket')
      }
      const key = rest.map(decodeURIComponent).join('/')
      const file = fileOf(key)
      if (req.method === 'PUT') {
        const temp = `${file}.tmp`
        await pipeline(req, fs.createWriteStream(temp))
        fs.renameSync(temp, file)
        record(200)
        res.writeHead(200, { etag: '"test"' })
        return res.end()
      }
      if (req.method === 'DELETE') {
        fs.rmSync(file, { force: true })
        record(204)
        res.writeHead(204)
        return res.end()
      }
      if (!fs.existsSync(file)) {
        record(404)
        return xmlError(res, 404, 'NoSuchKey')
      }
      const size = fs.statSync(file).size
      if (req.method === 'HEAD') {
        record(200)
        res.writeHead(200, { 'content-length': String(size) })
        return res.end()
      }
      const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ''))
      if (range) {
        const start = Number(range[1])
        const end = Math.min(range[2] ? Number(range[2]) : size - 1, size - 1)
        if (start > end) {
          record(416)
          return xmlError(res, 416, 'InvalidRange')
        }
        record(206)
        res.writeHead(206, { 'content-length': String(end - start + 1), 'content-range': `bytes ${start}-${end}/${size}` })
        return void fs.createReadStream(file, { start, end }).pipe(res)
      }
      record(200)
      res.writeHead(200, { 'content-length': String(size) })
      fs.createReadStream(file).pipe(res)
    } catch {
      record(500)
      if (!res.headersSent) xmlError(res, 500, 'InternalError')
      else res.destroy()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    endpoint: `http://127.0.0.1:${port}`, bucket, accessKey, secretKey, region, requests,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      fs.rmSync(root, { recursive: true, force: true })
    },
  }
}
