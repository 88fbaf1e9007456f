/**
 * Reads the few EXIF facts the library keeps about an original: camera make and model, when it
 * was taken, and whether it holds a GPS position (derivatives never do; the flag tells staff the
 * original is sensitive). A small TIFF walker: no dependency for a dozen tags.
 */
export interface ExifFacts {
  make?: string
  model?: string
  takenAt?: string
  hasGps: boolean
  hasMakerNote: boolean
}

const TAG_MAKE = 0x010f
const TAG_MODEL = 0x0110
const TAG_EXIF_IFD = 0x8769
const TAG_GPS_IFD = 0x8825
const TAG_DATE_ORIGINAL = 0x9003
const TAG_MAKER_NOTE = 0x927c

interface Entry {
  tag: number
  type: number
  count: number
  valueOffset: number
}

function readIfd(tiff: Buffer, offset: number, isLittle: boolean): Entry[] {
  const u16 = (at: number) => (isLittle ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at))
  const u32 = (at: number) => (isLittle ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at))
  if (offset + 2 > tiff.length) return []
  const count = Math.min(u16(offset), 500)
  const entries: Entry[] = []
  for (let i = 0; i < count; i++) {
    const at = offset + 2 + i * 12
    if (at + 12 > tiff.length) break
    entries.push({ tag: u16(at), type: u16(at + 2), count: u32(at + 4), valueOffset: at + 8 })
  }
  return entries
}

function ascii(tiff: Buffer, entry: Entry, isLittle: boolean): string | undefined {
  if (entry.type !== 2) return undefined
  const at = entry.count <= 4 ? entry.valueOffset : (isLittle ? tiff.readUInt32LE(entry.valueOffset) : tiff.readUInt32BE(entry.valueOffset))
  if (at + entry.count > tiff.length) return undefined
  // eslint-disable-next-line no-control-regex
  return tiff.toString('latin1', at, at + entry.count).replace(/\u0000+$/, '').trim().slice(0, 100) || undefined
}

/** `2024:05:01 10:20:30` (camera local time, no zone) → ISO text read as Asia/Shanghai. */
function exifDate(value: string | undefined): string | undefined {
  const match = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value ?? '')
  if (!match) return undefined
  const date = new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}+08:00`)
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}

/** Facts from a raw EXIF block as sharp's metadata() returns it (`Exif\0\0` + TIFF). */
export function readExif(exif: Buffer | undefined): ExifFacts {
  const facts: ExifFacts = { hasGps: false, hasMakerNote: false }
  if (!exif || exif.length < 14) return facts
  const tiff = exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif.subarray(6) : exif
  try {
    const order = tiff.toString('latin1', 0, 2)
    if (order !== 'II' && order !== 'MM') return facts
    const isLittle = order === 'II'
    const u32 = (at: number) => (isLittle ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at))
    const ifd0 = readIfd(tiff, u32(4), isLittle)
    for (const entry of ifd0) {
      if (entry.tag === TAG_MAKE) facts.make = ascii(tiff, entry, isLittle)
      if (entry.tag === TAG_MODEL) facts.model = ascii(tiff, entry, isLittle)
      if (entry.tag === TAG_GPS_IFD) facts.hasGps = readIfd(tiff, u32(entry.valueOffset), isLittle).length > 0
      if (entry.tag === TAG_EXIF_IFD) {
        for (const sub of readIfd(tiff, u32(entry.valueOffset), isLittle)) {
          if (sub.tag === TAG_DATE_ORIGINAL) facts.takenAt = exifDate(ascii(tiff, sub, isLittle))
          if (sub.tag === TAG_MAKER_NOTE) facts.hasMakerNote = true
        }
      }
    }
  } catch {
    // A malformed block yields what was read before the fault; EXIF is advisory.
  }
  return facts
}

/** True when `bytes` hold an EXIF GPS directory tag (0x8825) in either byte order. */
export function containsGpsTag(bytes: Buffer): boolean {
  return bytes.includes(Buffer.from([0x88, 0x25, 0x00, 0x04])) || bytes.includes(Buffer.from([0x25, 0x88, 0x04, 0x00]))
}
