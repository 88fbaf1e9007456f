import { hasMessage, t } from '../i18n'
import { formatDateTime } from '../lib/time'
import { getTenantSlug } from './tenantStore'

export const API_BASE = '/api/v1'

/** RFC 9457 problem details as the server sends them. */
export interface Problem {
  type?: string
  title?: string
  status: number
  detail?: string
  code?: string
  instance?: string
  requestId?: string
  errors?: { field: string; message: string }[]
  lockedUntil?: string
  [extra: string]: unknown
}

/** Codes that mean "finish setting up your account first"; the app routes to the setup pages. */
export type GateCode = 'MFA_ENROLMENT_REQUIRED' | 'PASSWORD_CHANGE_REQUIRED'

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly problem: Problem

  constructor(problem: Problem) {
    super(describeProblem(problem))
    this.name = 'ApiError'
    this.status = problem.status
    this.code = problem.code ?? `HTTP_${problem.status}`
    this.problem = problem
  }

  /** Field errors keyed by field name, for putting next to form inputs. */
  get fieldErrors(): Record<string, string[]> {
    const out: Record<string, string[]> = {}
    // A specific code (e.g. USERNAME_TAKEN) says more than a generic "not valid".
    const fallback = this.code !== 'VALIDATION_FAILED' && hasMessage(`error.${this.code}`) ? this.message : t('error.fieldInvalid')
    for (const e of this.problem.errors ?? []) {
      const field = e.field.replace(/^\/?(body[./])?/, '').replace(/\//g, '.')
      // Schema validators answer in English; people reading the form should not have to.
      const message = /[\u4e00-\u9fff]/.test(e.message) ? e.message : fallback
      ;(out[field] ??= []).push(message)
    }
    return out
  }
}

/** Turns a problem into one readable Chinese sentence: catalogue first, server text second. */
export function describeProblem(p: Problem): string {
  // The server answers NOT_FOUND "No route …" when the console is newer than the server it talks to.
  if (p.code === 'NOT_FOUND' && p.detail?.startsWith('No route')) return t('error.noRoute')
  const key = `error.${p.code ?? ''}`
  if (p.code && hasMessage(key)) {
    return t(key, { lockedUntil: p.lockedUntil ? formatDateTime(p.lockedUntil) : '', detail: p.detail ?? '' })
  }
  if (p.status === 0) return t('error.NETWORK_ERROR')
  if (p.detail) return p.detail
  if (p.status >= 500) return t('error.server', { status: p.status })
  return p.title ?? t('error.unknown', { status: p.status })
}

/** Human message for anything thrown, ApiError or not. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message
  if (err instanceof Error && err.message) return err.message
  return t('error.unexpected')
}

let csrfToken: string | null = null

/** The server hands the token out at login and in GET /me; unsafe requests must echo it. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token
}

interface Handlers {
  onUnauthorized?: () => void
  onGate?: (code: GateCode) => void
}
let handlers: Handlers = {}

/** The router installs these so that the client can send people to the login or setup pages. */
export function setApiHandlers(next: Handlers): void {
  handlers = next
}

const NOT_SESSION_LOSS = new Set(['AUTH_OTP_INVALID', 'AUTH_OTP_REQUIRED', 'AUTH_INVALID_CREDENTIALS'])

export type Query = Record<string, string | number | boolean | null | undefined>

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  body?: unknown
  query?: Query
  signal?: AbortSignal
  /** Login answers 401 for wrong passwords; that must not bounce the user to the login page. */
  isLoginCall?: boolean
}

export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v))
  }
  const qs = params.toString()
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`
}

export function requestHeaders(method: string, hasBody: boolean): Headers {
  const headers = new Headers({ Accept: 'application/json, application/problem+json' })
  if (hasBody) headers.set('Content-Type', 'application/json')
  const tenant = getTenantSlug()
  if (tenant) headers.set('X-Tenant', tenant)
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers.set('X-CSRF-Token', csrfToken)
  return headers
}

async function readProblem(res: Response): Promise<Problem> {
  const type = res.headers.get('Content-Type') ?? ''
  if (type.includes('json')) {
    try {
      const body = (await res.json()) as Partial<Problem>
      return { ...body, status: body.status ?? res.status }
    } catch {
      // fall through to a synthetic problem: the body was not the JSON it claimed to be
    }
  }
  return { status: res.status, title: res.statusText }
}

/** Sends a request and throws ApiError on anything but 2xx. */
export async function rawRequest(path: string, opts: RequestOptions = {}): Promise<Response> {
  const method = opts.method ?? 'GET'
  const hasBody = opts.body !== undefined
  // A FormData body (file uploads) sets its own multipart Content-Type with the boundary.
  const isForm = opts.body instanceof FormData
  let res: Response
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method,
      credentials: 'same-origin',
      headers: requestHeaders(method, hasBody && !isForm),
      body: isForm ? (opts.body as FormData) : hasBody ? JSON.stringify(opts.body) : undefined,
      signal: opts.signal,
    })
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err
    throw new ApiError({ status: 0, code: 'NETWORK_ERROR' })
  }
  if (res.ok) return res
  const problem = await readProblem(res)
  const error = new ApiError(problem)
  // A wrong code or password in a form is a 401 too; only a lost session means "sign in again".
  if (res.status === 401 && !opts.isLoginCall && !NOT_SESSION_LOSS.has(error.code)) handlers.onUnauthorized?.()
  if (res.status === 403 && (error.code === 'MFA_ENROLMENT_REQUIRED' || error.code === 'PASSWORD_CHANGE_REQUIRED')) {
    handlers.onGate?.(error.code)
  }
  throw error
}

/** JSON request; resolves to undefined for 204 replies. */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await rawRequest(path, opts)
  if (res.status === 204) return undefined as T
  const type = res.headers.get('Content-Type') ?? ''
  if (!type.includes('json')) return (await res.text()) as T
  return (await res.json()) as T
}
