import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/**
 * Encrypts small secrets at rest (TOTP seeds, channel credentials) with AES-256-GCM.
 * The key comes from RONGMEI_SECRET_KEY, or from a key file made once in the data directory
 * (several servers sharing one Postgres must share RONGMEI_SECRET_KEY instead).
 */
export interface SecretBox {
  seal(plain: string): string
  open(sealed: string): string
}

export function loadSecretKey(options: { secretKey?: string; dataDir: string }): Buffer {
  if (options.secretKey) return crypto.createHash('sha256').update(options.secretKey).digest()
  const file = path.join(options.dataDir, 'secret.key')
  if (!fs.existsSync(file)) {
    fs.mkdirSync(options.dataDir, { recursive: true })
    fs.writeFileSync(file, crypto.randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' })
  }
  return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64')
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('secret key must be 32 bytes')
  return {
    seal(plain) {
      const iv = crypto.randomBytes(12)
      const cipher = crypto.createCipheriv('aes-256-gcm', key, iv)
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.')
    },
    open(sealed) {
      const [version, iv, tag, data] = sealed.split('.')
      if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('not a sealed secret')
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8')
    },
  }
}

/** sha256 hex of a high-entropy token (session cookies, API tokens): enough, and fast. */
export function tokenHash(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex')
}

/** Constant-time string comparison. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && crypto.timingSafeEqual(left, right)
}
