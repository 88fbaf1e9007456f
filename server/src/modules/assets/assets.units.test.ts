import { describe, expect, it } from 'vitest'
import { AppError } from '../../kernel/errors.js'
import { parseRange } from './assets.http.js'
import { indexTokens, queryText } from './assets.search.js'
import { cropRegion } from './derivatives.js'
import { containsGpsTag, readExif } from './exif.js'
import { photoWithGps } from './fixtures/files.js'
import { foreignContent } from './structure.js'
import { looksLikeSvg, svgProblem } from './svg.js'
import { claimedKind, isClaimCompatible } from './types.js'
import sharp from 'sharp'

describe('byte ranges', () => {
  it('reads single ranges, suffixes and open ends; refuses what lies outside', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 })
    expect(parseRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 })
    expect(parseRange('bytes=-10', 1000)).toEqual({ start: 990, end: 999 })
    expect(parseRange('bytes=990-5000', 1000)).toEqual({ start: 990, end: 999 })
    expect(parseRange(undefined, 1000)).toBeNull()
    expect(parseRange('bytes=0-1,5-6', 1000)).toBeNull()
    for (const bad of ['bytes=1000-', 'bytes=5-2', 'bytes=abc', 'bytes=-0']) {
      expect(() => parseRange(bad, 1000), bad).toThrow(AppError)
    }
  })
})

describe('crops around the focal point', () => {
  it('takes the largest region of the ratio, centred on the point as far as the edges allow', () => {
    expect(cropRegion(4000, 3000, 1, { x: 0.5, y: 0.5 })).toEqual({ left: 500, top: 0, width: 3000, height: 3000 })
    expect(cropRegion(4000, 3000, 1, { x: 1, y: 0.5 })).toEqual({ left: 1000, top: 0, width: 3000, height: 3000 })
    expect(cropRegion(4000, 3000, 1, { x: 0, y: 0 }).left).toBe(0)
    const cover = cropRegion(4000, 3000, 2.35, { x: 0.5, y: 0.1 })
    expect(cover).toMatchObject({ width: 4000, top: 0 })
    expect(cover.width / cover.height).toBeCloseTo(2.35, 2)
  })
})

describe('SVG policy', () => {
  it('accepts a drawing and names what makes another unsafe', () => {
    expect(svgProblem('<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1" fill="url(#g)"/><use href="#a"/></svg>')).toBeNull()
    expect(svgProblem('<svg><script>1</script></svg>')).toMatch(/script/)
    expect(svgProblem('<svg><a href="javascript:alert(1)"><text>x</text></a></svg>')).toMatch(/outside itself/)
    expect(svgProblem('<svg><image href="https://evil.example/x.png"/></svg>')).toMatch(/outside itself/)
    expect(svgProblem('<svg><foreignObject><div/></foreignObject></svg>')).toMatch(/foreignObject/)
    expect(svgProblem('<svg><style>@import url(http://x/y.css)</style></svg>')).toMatch(/style sheet/)
    expect(svgProblem('<html><body><svg></svg></body></html>')).toMatch(/root element/)
    expect(looksLikeSvg(Buffer.from('\uFEFF  <?xml version="1.0"?><svg>'))).toBe(true)
    expect(looksLikeSvg(Buffer.from('GIF89a<svg>'))).toBe(false)
  })
})

describe('foreign content', () => {
  it('finds archive and markup signatures', () => {
    expect(foreignContent(Buffer.from('xxPK\x03\x04yy', 'latin1'))).toBe('zip')
    expect(foreignContent(Buffer.from('..<SCRIPT>..'))).toBe('html')
    expect(foreignContent(Buffer.from('%PDF-1.7'))).toBe('pdf')
    expect(foreignContent(Buffer.from('plain camera trailer bytes'))).toBeNull()
  })
})

describe('claims of a name or declared type', () => {
  it('compares kinds, letting audio and video share containers', () => {
    expect(claimedKind('application/octet-stream', 'blob')).toBeNull()
    expect(claimedKind('', 'clip.MP4')).toEqual({ kind: 'video', by: 'file name .mp4' })
    expect(claimedKind('text/html', 'page')).toEqual({ kind: 'other', by: 'type text/html' })
    expect(isClaimCompatible('audio', 'video')).toBe(true)
    expect(isClaimCompatible('image', 'video')).toBe(false)
  })
})

describe('EXIF facts', () => {
  it('reads camera, time and GPS presence', async () => {
    const exif = (await sharp(await photoWithGps({ width: 64, height: 48 })).metadata()).exif
    expect(readExif(exif)).toMatchObject({ make: 'TestCam', model: 'X100', takenAt: '2024-05-01T02:20:30.000Z', hasGps: true })
    expect(containsGpsTag(exif!)).toBe(true)
    expect(readExif(undefined)).toEqual({ hasGps: false, hasMakerNote: false })
    expect(readExif(Buffer.from('Exif\0\0garbage-garbage'))).toEqual({ hasGps: false, hasMakerNote: false })
  })
})

describe('search text', () => {
  it('indexes with cutForSearch, folds traditional characters and queries with OR without function words', () => {
    const tokens = indexTokens(['南京市長江大橋', ['新聞']]).split(' ')
    expect(tokens).toEqual(expect.arrayContaining(['南京', '长江', '大桥', '长江大桥', '新闻']))
    expect(queryText('长江大桥的照片')).toBe('长江大桥 | 照片')
    expect(queryText('的 了 ！？')).toBeNull()
  })
})
