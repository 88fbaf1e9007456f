import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { undecodableReason } from './derivatives.js'

/** HEIC (iPhone photos): rendered when this machine's sharp can decode HEVC, else "unavailable" with why. */
describe('HEIC pictures', () => {
  it('says why there are no derivatives when sharp has no HEVC decoder, and nothing for other types', () => {
    expect(undecodableReason('image/heic', ['.avif'])).toMatch(/HEIC decoding not available/)
    expect(undecodableReason('image/heif', [])).toMatch(/no HEVC decoder/)
    expect(undecodableReason('image/heic', ['.heic', '.heif', '.avif'])).toBeNull()
    for (const mime of ['image/jpeg', 'image/png', 'image/avif', 'image/webp']) expect(undecodableReason(mime, ['.avif'])).toBeNull()
  })

  it('matches what sharp on this machine reports', () => {
    const suffixes = sharp.format.heif.input.fileSuffix ?? []
    // Measured here: sharp's prebuilt libvips reads AVIF only, so HEIC uploads stay "unavailable".
    expect(undecodableReason('image/heic') === null).toBe(suffixes.includes('.heic'))
  })
})
