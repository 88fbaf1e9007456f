import crypto from 'node:crypto'
import { loadSecretKey } from '../../../kernel/secrets.js'
import type { Config } from '../../../config.js'

/**
 * Short-lived links to private files: `path?exp=<unix seconds>&sig=<HMAC>` where the HMAC covers
 * the path and the expiry, so neither can be changed. Anyone holding a live link may fetch it;
 * that is the point (a video player, a download manager), so links are kept short.
 */
export interface UrlSigner {
  sign(pathname: string, options?: { seconds?: number; now?: Date }): string
  /** True when `sig` matches `pathname` and `exp` lies in the future. */
  verify(pathname: string, exp: string | undefined, sig: string | undefined, now?: Date): boolean
}

/** The signing key: RONGMEI_PUBLIC_URL_SECRET, else derived from the secret key (never the key itself). */
export function signingKey(config: Pick<Config, 'publicUrlSecret' | 'secretKey' | 'dataDir'>): Buffer {
  if (config.publicUrlSecret) return crypto.createHash('sha256').update(config.publicUrlSecret).digest()
  return crypto.createHmac('sha256', loadSecretKey(config)).update('rongmei signed urls v1').digest()
}

export function createUrlSigner(key: Buffer, defaultSeconds: number): UrlSigner {
  const mac = (pathname: string, exp: string) => crypto.createHmac('sha256', key).update(`${pathname}\n${exp}`).digest('base64url')
  return {
    sign(pathname, { seconds = defaultSeconds, now = new Date() } = {}) {
      const exp = String(Math.floor(now.getTime() / 1000) + seconds)
      return `${pathname}?exp=${exp}&sig=${mac(pathname, exp)}`
    },
    verify(pathname, exp, sig, now = new Date()) {
      if (!exp || !sig || !/^\d{1,12}$/.test(exp)) return false
      if (Number(exp) * 1000 <= now.getTime()) return false
      const expected = Buffer.from(mac(pathname, exp))
      const given = Buffer.from(sig)
      return expected.length === given.length && crypto.timingSafeEqual(expected, given)
    },
  }
}
