import { AppError } from '../../kernel/errors.js'
import type { ServiceRow } from '../tickets/catalogue.store.js'
import type { IntakeInput } from '../tickets/tickets.intake.js'

/** The arguments of POST requests (application/x-www-form-urlencoded, as the spec sends them). */
export interface Open311Form {
  api_key?: string
  jurisdiction_id?: string
  service_code?: string
  lat?: string
  long?: string
  address_string?: string
  address_id?: string
  email?: string
  device_id?: string
  account_id?: string
  first_name?: string
  last_name?: string
  phone?: string
  description?: string
  media_url?: string
  /** attribute[code]=value, and attribute[code][]=v1&attribute[code][]=v2 for multivaluelist. */
  attribute: Record<string, string | string[]>
}

const FIELDS = ['api_key', 'jurisdiction_id', 'service_code', 'lat', 'long', 'address_string', 'address_id', 'email', 'device_id', 'account_id',
  'first_name', 'last_name', 'phone', 'description', 'media_url'] as const

/** Builds the form from decoded pairs; an empty value counts as absent ("Optional Arguments"). */
export function formFromPairs(pairs: Iterable<[string, string]>): Open311Form {
  const form: Open311Form = { attribute: {} }
  for (const [key, value] of pairs) {
    const attr = /^attribute\[([^\]]+)\](\[\])?$/.exec(key)
    if (attr) {
      const current = form.attribute[attr[1]]
      if (attr[2]) form.attribute[attr[1]] = [...(Array.isArray(current) ? current : current ? [current] : []), value]
      else form.attribute[attr[1]] = value
    } else if ((FIELDS as readonly string[]).includes(key) && value !== '') {
      form[key as (typeof FIELDS)[number]] = value
    }
  }
  return form
}

export function parseForm(body: string): Open311Form {
  return formFromPairs(new URLSearchParams(body))
}

/** A JSON body: the same names, attribute as an object. */
export function formFromJson(body: unknown): Open311Form {
  const obj = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const pairs: Array<[string, string]> = []
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'attribute' && v && typeof v === 'object') {
      for (const [code, val] of Object.entries(v as Record<string, unknown>)) {
        for (const item of Array.isArray(val) ? val : [val]) pairs.push([Array.isArray(val) ? `attribute[${code}][]` : `attribute[${code}]`, String(item)])
      }
    } else if (v !== null && v !== undefined) pairs.push([k, String(v)])
  }
  return formFromPairs(pairs)
}

function bad(description: string): AppError {
  return new AppError('VALIDATION_FAILED', description)
}

function coordinate(name: string, value: string, limit: number): number {
  const n = Number(value)
  if (!Number.isFinite(n) || Math.abs(n) > limit) throw bad(`${name} must be a WGS84 coordinate`)
  return n
}

interface AttributeDef { code: string; datatype: string; required: boolean; values?: Array<{ key: string; name: string }>; description?: string }

function checkAttributes(form: Open311Form, service: ServiceRow): Record<string, string | string[]> {
  const defs = service.attributes as AttributeDef[]
  const out: Record<string, string | string[]> = {}
  for (const def of defs) {
    const value = form.attribute[def.code]
    const values = value === undefined ? [] : Array.isArray(value) ? value : [value]
    if (values.length === 0 || values.every((v) => v === '')) {
      if (def.required) throw bad(`attribute[${def.code}] is required for service_code ${service.code}`)
      continue
    }
    if (def.datatype === 'singlevaluelist' || def.datatype === 'multivaluelist') {
      const keys = new Set((def.values ?? []).map((v) => v.key))
      const unknown = values.find((v) => !keys.has(v))
      if (unknown !== undefined) throw bad(`attribute[${def.code}]: ${unknown} is not one of its values`)
      if (def.datatype === 'singlevaluelist' && values.length > 1) throw bad(`attribute[${def.code}] takes one value`)
    }
    if (def.datatype === 'number' && values.some((v) => !Number.isFinite(Number(v)))) throw bad(`attribute[${def.code}] must be a number`)
    if (def.datatype === 'datetime' && values.some((v) => Number.isNaN(Date.parse(v)))) throw bad(`attribute[${def.code}] must be an ISO 8601 date-time`)
    if (values.some((v) => v.length > 500)) throw bad(`attribute[${def.code}] is too long`)
    out[def.code] = def.datatype === 'multivaluelist' ? values : values[0]
  }
  return out
}

/** Checks a POST against the spec and the service definition and turns it into an intake. */
export function checkRequest(form: Open311Form, service: ServiceRow): IntakeInput {
  const hasPoint = form.lat !== undefined || form.long !== undefined
  if (hasPoint && (form.lat === undefined || form.long === undefined)) throw bad('lat and long must both be sent')
  if (!hasPoint && !form.address_string && !form.address_id) throw bad('a location is required: lat & long, address_string or address_id')
  const description = form.description?.trim() ?? ''
  if (description.length > 4000) throw bad('description is limited to 4,000 characters')
  if ((form.address_string?.length ?? 0) > 200) throw bad('address_string is limited to 200 characters')
  if (form.email && !/^[^@\s]+@[^@\s]+$/.test(form.email)) throw bad('email is not an e-mail address')
  const phone = form.phone?.replace(/\D/g, '') ?? ''
  if (form.phone && (phone.length < 5 || phone.length > 15)) throw bad('phone is not a phone number')
  if (form.media_url && !/^https?:\/\/\S{1,2000}$/.test(form.media_url)) throw bad('media_url must be an http(s) URL')
  const attributes = checkAttributes(form, service)
  const summary = Object.entries(attributes).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`).join('\n')
  const text = description || `${service.name}${summary ? `\n${summary}` : ''}`
  const firstLine = (description.split('\n')[0] || service.name).trim()
  return {
    category: service.code, title: firstLine.length > 30 ? `${firstLine.slice(0, 30)}…` : firstLine, text: text.slice(0, 4000),
    address: form.address_string?.trim() || (form.address_id ? `地址编号 ${form.address_id}` : ''),
    lat: hasPoint ? coordinate('lat', form.lat!, 90) : null, long: hasPoint ? coordinate('long', form.long!, 180) : null,
    name: `${form.last_name ?? ''}${form.first_name ?? ''}`.trim().slice(0, 20), phone, isNamePublic: false,
    email: form.email, deviceId: form.device_id?.slice(0, 200), accountId: form.account_id?.slice(0, 200), mediaUrl: form.media_url, attributes,
  }
}
