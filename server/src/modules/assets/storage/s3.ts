import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type { Readable } from 'node:stream'
import { amzDate, EMPTY_SHA256, encodeKeyPath, signRequest, UNSIGNED_PAYLOAD, type Credentials } from './sigv4.js'
import { ObjectMissingError, type Storage } from './storage.js'

export interface S3Options {
  /** Base URL of the service, e.g. `http://127.0.0.1:9000` (MinIO) or `https://s3.example.com`. */
  endpoint: string
  bucket: string
  accessKey: string
  secretKey: string
  region: string
}

/** Reads at most 4 KiB of an error reply: enough for S3's XML error, never a whole object. */
async function errorText(response: http.IncomingMessage): Promise<string> {
  let text = ''
  for await (const chunk of response) {
    if (text.length < 4096) text += chunk.toString('utf8')
  }
  const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1]
  return code ?? text.slice(0, 200)
}

/**
 * An S3-compatible store, path-style (`endpoint/bucket/key`, which MinIO and most compatible
 * stores accept), signed with SigV4. Bodies stream both ways; uploads are sent unsigned-payload
 * with their exact length, so a 1 GB original never sits in memory.
 */
export function createS3Storage(options: S3Options): Storage {
  const base = new URL(options.endpoint)
  const client = base.protocol === 'https:' ? https : http
  const agent = new client.Agent({ keepAlive: true, maxSockets: 32 })
  const credentials: Credentials = { accessKey: options.accessKey, secretKey: options.secretKey, region: options.region }
  const prefix = base.pathname.replace(/\/$/, '')

  function send(method: string, key: string, { headers = {}, body, payloadHash = EMPTY_SHA256 }: {
    headers?: Record<string, string>; body?: Readable; payloadHash?: string
  } = {}): Promise<http.IncomingMessage> {
    const path = `${prefix}/${encodeKeyPath(options.bucket)}/${encodeKeyPath(key)}`
    const signed: Record<string, string> = {
      host: base.host, 'x-amz-date': amzDate(new Date()), 'x-amz-content-sha256': payloadHash, ...headers,
    }
    const { authorization } = signRequest({ method, path, headers: signed, payloadHash }, credentials)
    return new Promise((resolve, reject) => {
      const request = client.request({
        protocol: base.protocol, hostname: base.hostname, port: base.port, method, path, agent,
        headers: { ...signed, authorization },
      }, resolve)
      request.on('error', reject)
      if (body) {
        body.on('error', (error) => request.destroy(error))
        body.pipe(request)
      } else {
        request.end()
      }
    })
  }

  async function expectOk(response: http.IncomingMessage, what: string, ok: number[]): Promise<void> {
    if (ok.includes(response.statusCode ?? 0)) {
      response.resume()
      return
    }
    throw new Error(`S3 ${what} failed: ${response.statusCode} ${await errorText(response)}`)
  }

  return {
    kind: 's3',

    async putFile(key, filePath, { contentType, isMove = false }) {
      const { size } = await fs.promises.stat(filePath)
      const response = await send('PUT', key, {
        headers: { 'content-type': contentType, 'content-length': String(size) },
        body: fs.createReadStream(filePath), payloadHash: UNSIGNED_PAYLOAD,
      })
      await expectOk(response, `PUT ${key}`, [200])
      if (isMove) await fs.promises.rm(filePath, { force: true })
    },

    async read(key, range) {
      const response = await send('GET', key, range ? { headers: { range: `bytes=${range.start}-${range.end}` } } : {})
      if (response.statusCode === 404) {
        response.resume()
        throw new ObjectMissingError(key)
      }
      if (response.statusCode !== 200 && response.statusCode !== 206) {
        throw new Error(`S3 GET ${key} failed: ${response.statusCode} ${await errorText(response)}`)
      }
      return response
    },

    async head(key) {
      const response = await send('HEAD', key)
      response.resume()
      if (response.statusCode === 404) return null
      if (response.statusCode !== 200) throw new Error(`S3 HEAD ${key} failed: ${response.statusCode}`)
      return { size: Number(response.headers['content-length'] ?? 0) }
    },

    async remove(key) {
      const response = await send('DELETE', key)
      await expectOk(response, `DELETE ${key}`, [200, 204, 404])
    },
  }
}
