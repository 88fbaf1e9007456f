import crypto from 'node:crypto'

/**
 * AWS Signature Version 4 for S3 requests, written out rather than pulling in the AWS SDK: the
 * adapter needs four calls, and the algorithm is short and fixed (checked against AWS's own
 * published example in sigv4.test.ts).
 */

export interface Credentials {
  accessKey: string
  secretKey: string
  region: string
}

export interface SignInput {
  method: string
  /** Path as sent on the wire, already URI-encoded (see encodeKeyPath). */
  path: string
  query?: Record<string, string>
  /** Lower-case header names; `host` and `x-amz-date` must be among them. */
  headers: Record<string, string>
  /** Hex SHA-256 of the body, or UNSIGNED-PAYLOAD for streamed bodies. */
  payloadHash: string
}

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'
export const EMPTY_SHA256 = crypto.createHash('sha256').update('').digest('hex')

const hmac = (key: crypto.BinaryLike, data: string) => crypto.createHmac('sha256', key).update(data).digest()
const sha256hex = (data: string) => crypto.createHash('sha256').update(data).digest('hex')

/** RFC 3986 encoding as SigV4 wants it: unreserved characters stay, everything else is %XX. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** Encodes each segment of an object key, keeping the slashes. */
export function encodeKeyPath(key: string): string {
  return key.split('/').map(uriEncode).join('/')
}

/** `YYYYMMDDTHHMMSSZ` for a date. */
export function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
}

function canonicalRequest(input: SignInput): { text: string; signedHeaders: string } {
  const names = Object.keys(input.headers).map((h) => h.toLowerCase()).sort()
  const headers = Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v]))
  const canonicalHeaders = names.map((h) => `${h}:${String(headers[h]).trim().replace(/\s+/g, ' ')}\n`).join('')
  const query = Object.entries(input.query ?? {}).map(([k, v]) => [uriEncode(k), uriEncode(v)]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`).join('&')
  const signedHeaders = names.join(';')
  return { text: [input.method, input.path, query, canonicalHeaders, signedHeaders, input.payloadHash].join('\n'), signedHeaders }
}

/** The signature of a request, and the Authorization header that carries it. */
export function signRequest(input: SignInput, credentials: Credentials): { authorization: string; signature: string } {
  const date = input.headers['x-amz-date']
  if (!date) throw new Error('x-amz-date header is required to sign')
  const day = date.slice(0, 8)
  const scope = `${day}/${credentials.region}/s3/aws4_request`
  const { text, signedHeaders } = canonicalRequest(input)
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256hex(text)].join('\n')
  const kDate = hmac(`AWS4${credentials.secretKey}`, day)
  const kRegion = hmac(kDate, credentials.region)
  const kService = hmac(kRegion, 's3')
  const kSigning = hmac(kService, 'aws4_request')
  const signature = crypto.createHmac('sha256', kSigning).update(toSign).digest('hex')
  return {
    signature,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKey}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  }
}

/** The parts of an Authorization header, or null when it is not a SigV4 header. */
export function parseAuthorization(header: string | undefined): { accessKey: string; scope: string; signedHeaders: string[]; signature: string } | null {
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8}\/[^/]+\/s3\/aws4_request), ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(header ?? '')
  if (!match) return null
  return { accessKey: match[1], scope: match[2], signedHeaders: match[3].split(';'), signature: match[4] }
}
