import { zhCN } from './zh-CN'

export type MessageKey = keyof typeof zhCN
export type MessageParams = Record<string, string | number | null | undefined>

// One catalogue today; the indirection keeps call sites unchanged when a second locale arrives.
const catalogue: Record<string, string> = zhCN

/** True when the catalogue has `key`, for keys built at run time (error codes, audit actions). */
export function hasMessage(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(catalogue, key)
}

/** Looks up `key` and fills `{name}` placeholders from `params`. */
export function t(key: MessageKey, params?: MessageParams): string {
  const template = catalogue[key] ?? key
  if (!params) return template
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name]
    return value === undefined || value === null ? whole : String(value)
  })
}

/** Like `t` for a key computed at run time; falls back when the catalogue has no such key. */
export function tOr(key: string, fallback: string, params?: MessageParams): string {
  return hasMessage(key) ? t(key, params) : fallback
}
