import type { AssetRow } from './assets.store.js'
import type { CollectionRow, ShareRow, UsageRow } from './sharing.store.js'

/** One stored derivative, as kept in assets.renditions. */
export interface Rendition {
  name: string
  format: string
  mimeType: string
  file: string
  width: number | null
  height: number | null
  bytes: number
  etag: string
}

/** Days before a licence ends from which it counts as expiring. */
export const LICENCE_WARNING_DAYS = 30

/** Public URL of a rendition: served without sign-in, never the original. */
export function renditionUrl(tenantId: string, assetId: string, file: string): string {
  return `/media/${tenantId}/${assetId}/${file}`
}

export function renditionsView(tenantId: string, assetId: string, renditions: unknown[]) {
  return (renditions as Rendition[]).map((r) => ({
    name: r.name, format: r.format, mimeType: r.mimeType, url: renditionUrl(tenantId, assetId, r.file),
    width: r.width, height: r.height, bytes: r.bytes, isPublic: true,
  }))
}

export function licenceStatus(expiresAt: Date | null, now = new Date()): 'none' | 'valid' | 'expiring' | 'expired' {
  if (!expiresAt) return 'none'
  const left = new Date(expiresAt).getTime() - now.getTime()
  if (left <= 0) return 'expired'
  return left <= LICENCE_WARNING_DAYS * 86_400_000 ? 'expiring' : 'valid'
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null)

export function assetView(row: AssetRow, usage: { count: number; live: number } = { count: 0, live: 0 }) {
  const licence = licenceStatus(row.licence_expires_at)
  const warnings: string[] = []
  if (usage.live > 0 && (licence === 'expiring' || licence === 'expired')) warnings.push(`licence_${licence}_in_use`)
  const metadata = row.metadata as Record<string, unknown>
  return {
    id: row.id, tenantId: row.tenant_id, kind: row.kind, sha256: row.sha256, mimeType: row.mime_type, size: Number(row.size),
    originalName: row.original_name, title: row.title, caption: row.caption, credit: row.credit, source: row.source,
    copyright: row.copyright, licence: row.licence, licenceExpiresAt: iso(row.licence_expires_at), licenceStatus: licence,
    tags: row.tags, people: row.people, places: row.places, shotAt: iso(row.shot_at),
    width: row.width, height: row.height, durationMs: row.duration_ms,
    focalPoint: { x: row.focal_x, y: row.focal_y },
    derivatives: { status: row.derivatives_status, reason: row.derivatives_reason },
    renditions: renditionsView(row.tenant_id, row.id, row.renditions),
    media: row.media as Record<string, unknown>,
    metadata: {
      camera: [metadata.make, metadata.model].filter(Boolean).join(' ') || null,
      hasGps: Boolean(metadata.hasGps), hasMakerNote: Boolean(metadata.hasMakerNote),
      trailingBytes: Number(metadata.trailingBytes ?? 0),
    },
    usage, warnings,
    originalUrl: `/api/v1/assets/${row.id}/original`,
    // uploadedBy is null for a citizen's picture (uploadedVia 'citizen'): no account stands behind it.
    uploadedBy: row.uploaded_by, uploadedVia: row.upload_source, createdAt: iso(row.created_at)!, updatedAt: iso(row.updated_at)!, deletedAt: iso(row.deleted_at),
  }
}
export type AssetView = ReturnType<typeof assetView>

export function usageView(row: UsageRow) {
  return {
    id: row.id, tenantId: row.tenant_id, assetId: row.asset_id, refType: row.ref_type, refId: row.ref_id, credit: row.credit,
    isLive: row.is_live, shareId: row.share_id, createdAt: iso(row.created_at)!,
  }
}

export function shareView(row: ShareRow) {
  return {
    id: row.id, assetId: row.asset_id, ownerTenantId: row.tenant_id, ownerName: row.owner_name, audience: row.audience,
    kind: row.kind, title: row.title, caption: row.caption, credit: row.credit, width: row.width, height: row.height,
    renditions: renditionsView(row.tenant_id, row.asset_id, row.renditions),
    createdAt: iso(row.created_at)!, withdrawnAt: iso(row.withdrawn_at),
  }
}

export function collectionView(row: CollectionRow & { items?: string }) {
  return {
    id: row.id, title: row.title, description: row.description, isPublic: row.is_public, publishedAt: iso(row.published_at),
    items: Number(row.items ?? 0), archiveUrl: row.is_public ? `/archive/${row.tenant_slug}?collection=${row.id}` : null,
    createdAt: iso(row.created_at)!, updatedAt: iso(row.updated_at)!,
  }
}
