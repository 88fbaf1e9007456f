/** All times are shown in Asia/Shanghai whatever the browser's zone, as the newsroom expects. */
const TIME_ZONE = 'Asia/Shanghai'
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000 // no daylight saving in China since 1991

const partsFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

function parts(value: string | number | Date): Record<string, string> | null {
  const date = value instanceof Date ? value : new Date(value)
  if (Number.isNaN(date.getTime())) return null
  const out: Record<string, string> = {}
  for (const p of partsFormat.formatToParts(date)) out[p.type] = p.value
  return out
}

/** yyyy-MM-dd HH:mm:ss in Asia/Shanghai; empty string for missing values. */
export function formatDateTime(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return ''
  const p = parts(value)
  if (!p) return String(value)
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`
}

/** yyyy-MM-dd HH:mm in Asia/Shanghai, for compact table cells. */
export function formatDateTimeShort(value: string | null | undefined): string {
  return formatDateTime(value).slice(0, 16)
}

export function formatDate(value: string | null | undefined): string {
  return formatDateTime(value).slice(0, 10)
}

/** Start of the following Shanghai day, for exclusive upper bounds. */
export function shanghaiDayEnd(year: number, month: number, day: number): string {
  return new Date(Date.UTC(year, month - 1, day + 1) - SHANGHAI_OFFSET_MS).toISOString()
}

export function isFuture(value: string | null | undefined): boolean {
  return !!value && new Date(value).getTime() > Date.now()
}
