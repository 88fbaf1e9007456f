/**
 * GeoReport v2 output: the spec's element names in XML (UTF-8 declaration, no namespace) and the
 * same structure in JSON (lists as arrays). Absent values are null in JSON and empty elements in
 * XML, as in the spec's examples.
 */

export type Format = 'json' | 'xml'

export type XmlValue = string | number | boolean | null | undefined | XmlNode | XmlValue[]
export interface XmlNode { [name: string]: XmlValue }

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
    // Characters XML 1.0 cannot carry at all.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
}

/**
 * One element: objects become child elements in key order, arrays repeat `itemName` (given as
 * `[itemName, items]`), null becomes an empty element.
 */
function element(name: string, value: XmlValue, indent: string): string {
  if (value === null || value === undefined) return `${indent}<${name}></${name}>`
  if (Array.isArray(value)) {
    const [itemName, items] = value as [string, XmlValue[]]
    const inner = items.map((item) => element(itemName, item, `${indent}  `)).join('\n')
    return items.length ? `${indent}<${name}>\n${inner}\n${indent}</${name}>` : `${indent}<${name}></${name}>`
  }
  if (typeof value === 'object') {
    const inner = Object.entries(value).map(([k, v]) => element(k, v, `${indent}  `)).join('\n')
    return `${indent}<${name}>\n${inner}\n${indent}</${name}>`
  }
  return `${indent}<${name}>${escapeXml(String(value))}</${name}>`
}

/** A document whose root `name` holds `value` (for lists: `[itemName, items]`). */
export function xmlDocument(name: string, value: XmlValue): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(name, value, '')}\n`
}

/** A list resource in both formats: JSON is the array, XML the root with repeated items. */
export function listBody(format: Format, root: string, item: string, items: XmlNode[]): string {
  return format === 'json' ? JSON.stringify(items) : xmlDocument(root, [item, items])
}

export function contentType(format: Format): string {
  return format === 'json' ? 'application/json; charset=utf-8' : 'text/xml; charset=utf-8'
}

/** `services.json` → ['services', 'json']; anything but .json/.xml → null. */
export function splitFormat(file: string): [name: string, format: Format] | null {
  const m = /^(.+)\.(json|xml)$/.exec(file)
  return m ? [m[1], m[2] as Format] : null
}

export interface Open311Error {
  code: number
  description: string
}

export function errorBody(format: Format, errors: Open311Error[]): string {
  return format === 'json' ? JSON.stringify(errors) : xmlDocument('errors', ['error', errors as unknown as XmlNode[]])
}
