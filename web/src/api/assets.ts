import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { ApiError, api, buildUrl, rawRequest, requestHeaders, type Problem } from './client'
import type { Page } from './types'

/** Shapes of the media library API (server/src/modules/assets/assets.schema.ts, docs/assets.md). */

export type AssetKind = 'image' | 'audio' | 'video' | 'document'
export type LicenceStatus = 'none' | 'valid' | 'expiring' | 'expired'
export type Audience = 'parent' | 'children' | 'platform'
/** 'citizen': a picture on a public message, with no account behind it (uploadedBy is null). */
export type UploadedVia = 'staff' | 'citizen'

export const assetKinds: AssetKind[] = ['image', 'audio', 'video', 'document']
export const licenceStatuses: LicenceStatus[] = ['none', 'valid', 'expiring', 'expired']
export const audiences: Audience[] = ['parent', 'children', 'platform']

export interface Rendition {
  name: string
  format: string
  mimeType: string
  url: string
  width: number | null
  height: number | null
  bytes: number
  isPublic: boolean
}

export interface Asset {
  id: string
  tenantId: string
  kind: AssetKind
  sha256: string
  mimeType: string
  size: number
  originalName: string
  title: string
  caption: string
  credit: string
  source: string
  copyright: string
  licence: string
  licenceExpiresAt: string | null
  licenceStatus: LicenceStatus
  tags: string[]
  people: string[]
  places: string[]
  shotAt: string | null
  width: number | null
  height: number | null
  durationMs: number | null
  focalPoint: { x: number; y: number }
  derivatives: { status: 'pending' | 'ready' | 'failed' | 'unavailable' | string; reason: string | null }
  renditions: Rendition[]
  media: Record<string, unknown>
  metadata: { camera: string | null; hasGps: boolean; hasMakerNote: boolean; trailingBytes: number }
  usage: { count: number; live: number }
  warnings: string[]
  originalUrl: string
  uploadedBy: string | null
  uploadedVia: UploadedVia
  createdAt: string
  updatedAt: string
  deletedAt: string | null
}

export interface AssetPatch {
  title?: string
  caption?: string
  credit?: string
  source?: string
  copyright?: string
  licence?: string
  licenceExpiresAt?: string | null
  tags?: string[]
  people?: string[]
  places?: string[]
  shotAt?: string | null
}

export interface AssetFilters {
  q?: string
  kind?: AssetKind
  from?: string
  to?: string
  uploadedBy?: string
  uploadedVia?: UploadedVia
  licence?: LicenceStatus
  usage?: 'used' | 'unused'
  deleted?: boolean
}

export interface Usage {
  id: string
  tenantId: string
  assetId: string
  refType: string
  refId: string
  credit: string
  isLive: boolean
  shareId: string | null
  createdAt: string
}

export interface Share {
  id: string
  assetId: string
  ownerTenantId: string
  ownerName: string
  audience: Audience
  kind: AssetKind
  title: string
  caption: string
  credit: string
  width: number | null
  height: number | null
  renditions: Rendition[]
  createdAt: string
  withdrawnAt: string | null
}

export interface Collection {
  id: string
  title: string
  description: string
  isPublic: boolean
  publishedAt: string | null
  items: number
  archiveUrl: string | null
  createdAt: string
  updatedAt: string
}

/** The crops each channel uses (server: derivatives.ts), with their aspect ratios. */
export const channelCrops = [
  { name: 'wechat-cover', ratio: 900 / 383 },
  { name: 'square', ratio: 1 },
  { name: 'wide', ratio: 16 / 9 },
  { name: 'standard', ratio: 4 / 3 },
] as const

/** The best public URL of a rendition `name` (JPEG first: every browser shows it). */
export function renditionUrl(renditions: Rendition[], name: string): string | null {
  const matches = renditions.filter((r) => r.name === name && r.isPublic)
  return (matches.find((r) => r.format === 'jpeg') ?? matches[0])?.url ?? null
}

export function thumbUrl(asset: Pick<Asset, 'renditions'>): string | null {
  return renditionUrl(asset.renditions, 'thumb') ?? renditionUrl(asset.renditions, 'poster') ?? renditionUrl(asset.renditions, 'web')
}

export function useAssets(filters: AssetFilters) {
  return useInfiniteQuery({
    queryKey: ['assets', filters],
    queryFn: ({ pageParam, signal }) =>
      api<Page<Asset>>('/assets', { query: { ...filters, limit: 40, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    // Thumbnails arrive from the background worker: look again while any listed asset waits for them.
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.items.some((a) => a.derivatives.status === 'pending')) ? 3000 : false,
  })
}

/** One asset; polls while its derivatives are still being made. */
export function useAsset(id: string | null) {
  return useQuery({
    queryKey: ['asset', id],
    queryFn: ({ signal }) => api<Asset>(`/assets/${id}`, { signal }),
    enabled: !!id,
    refetchInterval: (query) => (query.state.data?.derivatives.status === 'pending' ? 2000 : false),
  })
}

export function useAssetUsage(id: string | null) {
  return useQuery({
    queryKey: ['asset', id, 'usage'],
    queryFn: ({ signal }) => api<{ items: Usage[] }>(`/assets/${id}/usage`, { signal }),
    enabled: !!id,
  })
}

export function useSimilar(id: string | null, isEnabled: boolean) {
  return useQuery({
    queryKey: ['asset', id, 'similar'],
    queryFn: ({ signal }) => api<{ items: Array<{ distance: number; asset: Asset }> }>(`/assets/${id}/similar`, { signal }),
    enabled: !!id && isEnabled,
  })
}

export function useAssetShares(id: string | null) {
  return useQuery({
    queryKey: ['asset', id, 'shares'],
    queryFn: ({ signal }) => api<{ items: Share[] }>(`/assets/${id}/shares`, { signal }),
    enabled: !!id,
  })
}

/** Mutations on one asset; each refreshes the lists and the detail. */
export function useAssetActions(id: string) {
  const qc = useQueryClient()
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['assets'] })
    void qc.invalidateQueries({ queryKey: ['asset', id] })
    void qc.invalidateQueries({ queryKey: ['shared-assets'] })
  }
  return {
    update: useMutation({ mutationFn: (patch: AssetPatch) => api<Asset>(`/assets/${id}`, { method: 'PATCH', body: patch }), onSuccess: refresh }),
    remove: useMutation({
      mutationFn: ({ isForced }: { isForced: boolean }) => api<void>(`/assets/${id}`, { method: 'DELETE', query: { force: isForced || undefined } }),
      onSuccess: refresh,
    }),
    restore: useMutation({ mutationFn: () => api<Asset>(`/assets/${id}/restore`, { method: 'POST' }), onSuccess: refresh }),
    focal: useMutation({ mutationFn: (point: { x: number; y: number }) => api<Asset>(`/assets/${id}/focal-point`, { method: 'PUT', body: point }), onSuccess: refresh }),
    share: useMutation({ mutationFn: (audience: Audience) => api<Share>(`/assets/${id}/shares`, { method: 'POST', body: { audience } }), onSuccess: refresh }),
    withdraw: useMutation({ mutationFn: (shareId: string) => api<Share>(`/asset-shares/${shareId}`, { method: 'DELETE' }), onSuccess: refresh }),
    originalLink: useMutation({ mutationFn: () => api<{ url: string; expiresAt: string }>(`/assets/${id}/original-link`, { method: 'POST' }) }),
  }
}

export function useSharedAssets() {
  return useInfiniteQuery({
    queryKey: ['shared-assets'],
    queryFn: ({ pageParam, signal }) => api<Page<Share>>('/shared-assets', { query: { limit: 40, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  })
}

export function useUseShared() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: ({ shareId, refType, refId }: { shareId: string; refType: string; refId: string }) =>
      api<Usage>(`/shared-assets/${shareId}/use`, { method: 'POST', body: { refType, refId } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['asset'] }),
  })
}

export function useCollections() {
  return useQuery({ queryKey: ['asset-collections'], queryFn: ({ signal }) => api<{ items: Collection[] }>('/asset-collections', { signal }) })
}

export function useCollectionActions() {
  const qc = useQueryClient()
  const refresh = () => void qc.invalidateQueries({ queryKey: ['asset-collections'] })
  return {
    create: useMutation({ mutationFn: (body: { title: string; description?: string }) => api<Collection>('/asset-collections', { method: 'POST', body }), onSuccess: refresh }),
    update: useMutation({
      mutationFn: ({ id, ...body }: { id: string; title?: string; description?: string; isPublic?: boolean }) =>
        api<Collection>(`/asset-collections/${id}`, { method: 'PATCH', body }),
      onSuccess: refresh,
    }),
    addItems: useMutation({
      mutationFn: ({ id, assetIds }: { id: string; assetIds: string[] }) => api<void>(`/asset-collections/${id}/items`, { method: 'POST', body: { assetIds } }),
      onSuccess: refresh,
    }),
  }
}

// ---- uploading ------------------------------------------------------------------------------

/** Files at or above this size go through the resumable API in chunks. */
export const RESUMABLE_FROM_BYTES = 8 * 1024 * 1024
/** Chunk size for resumable uploads (the server accepts up to `maxChunkBytes`, 64 MiB). */
export const CHUNK_BYTES = 4 * 1024 * 1024
const CHUNK_ATTEMPTS = 4

export interface UploadProgress {
  /** 0..1 of the bytes sent. */
  fraction: number
  /** Set while a failed chunk is being retried (attempt number). */
  retry?: number
}

function problemFromXhr(xhr: XMLHttpRequest): Problem {
  try {
    const body = JSON.parse(xhr.responseText) as Partial<Problem>
    return { ...body, status: body.status ?? xhr.status }
  } catch {
    return { status: xhr.status, title: xhr.statusText }
  }
}

/** One multipart request with upload progress (fetch cannot report it; XMLHttpRequest can). */
function uploadOnce(file: File, onProgress: (p: UploadProgress) => void, signal?: AbortSignal): Promise<Asset> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', buildUrl('/assets'))
    xhr.withCredentials = true
    requestHeaders('POST', false).forEach((value, key) => xhr.setRequestHeader(key, value))
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress({ fraction: e.loaded / e.total })
    xhr.onload = () => (xhr.status === 201 ? resolve(JSON.parse(xhr.responseText) as Asset) : reject(new ApiError(problemFromXhr(xhr))))
    xhr.onerror = () => reject(new ApiError({ status: 0, code: 'NETWORK_ERROR' }))
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'))
    signal?.addEventListener('abort', () => xhr.abort())
    const form = new FormData()
    form.append('title', file.name.replace(/\.[^.]+$/, ''))
    form.append('file', file, file.name)
    xhr.send(form)
  })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * A large file in chunks: start a session, PUT each chunk at its offset, and after a failed
 * chunk ask the server where the upload stands and continue from there (a few attempts, with
 * back-off), then complete. Abandoned sessions are cancelled so their parts do not linger.
 */
async function uploadResumable(file: File, onProgress: (p: UploadProgress) => void, signal?: AbortSignal): Promise<Asset> {
  const session = await api<{ id: string; offset: number; size: number; maxChunkBytes: number }>('/asset-uploads', {
    method: 'POST', body: { filename: file.name, size: file.size, mimeType: file.type || undefined, meta: { title: file.name.replace(/\.[^.]+$/, '') } },
  })
  const chunk = Math.min(CHUNK_BYTES, session.maxChunkBytes)
  let offset = session.offset
  try {
    while (offset < file.size) {
      let attempt = 0
      for (;;) {
        try {
          const res = await fetch(buildUrl(`/asset-uploads/${session.id}`), {
            method: 'PUT', credentials: 'same-origin', signal,
            headers: (() => {
              const h = requestHeaders('PUT', false)
              h.set('Content-Type', 'application/octet-stream')
              h.set('Upload-Offset', String(offset))
              return h
            })(),
            body: file.slice(offset, Math.min(offset + chunk, file.size)),
          })
          if (res.ok) {
            offset = ((await res.json()) as { offset: number }).offset
            break
          }
          const problem = (await res.json().catch(() => ({ status: res.status }))) as Problem
          // The server says where it stands: continue from there (a lost reply, a repeated chunk).
          if (problem.code === 'UPLOAD_OFFSET_MISMATCH' && typeof problem.offset === 'number') {
            offset = problem.offset
            break
          }
          if (res.status < 500 && res.status !== 408) throw new ApiError(problem)
          throw new Error(`chunk failed: ${res.status}`)
        } catch (error) {
          if (error instanceof ApiError || (error instanceof DOMException && error.name === 'AbortError')) throw error
          attempt += 1
          if (attempt >= CHUNK_ATTEMPTS) throw new ApiError({ status: 0, code: 'NETWORK_ERROR' })
          onProgress({ fraction: offset / file.size, retry: attempt })
          await sleep(500 * 2 ** attempt)
          offset = (await api<{ offset: number }>(`/asset-uploads/${session.id}`)).offset
        }
      }
      onProgress({ fraction: offset / file.size })
    }
    return await api<Asset>(`/asset-uploads/${session.id}/complete`, { method: 'POST' })
  } catch (error) {
    await rawRequest(`/asset-uploads/${session.id}`, { method: 'DELETE' }).catch(() => undefined)
    throw error
  }
}

/** Uploads one file the right way for its size, reporting progress. */
export function uploadAsset(file: File, onProgress: (p: UploadProgress) => void, signal?: AbortSignal): Promise<Asset> {
  return file.size >= RESUMABLE_FROM_BYTES ? uploadResumable(file, onProgress, signal) : uploadOnce(file, onProgress, signal)
}
