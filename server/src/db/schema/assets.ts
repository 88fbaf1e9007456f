import type { ColumnType, Generated } from 'kysely'
import type { NullableTimestamp, Json, JsonList } from './columns.js'


export type AssetKind = 'image' | 'audio' | 'video' | 'document'
export type DerivativesStatus = 'pending' | 'ready' | 'failed' | 'unavailable'
/** Where an asset came in: 'staff' names its uploader; 'citizen' (a picture on a public message) names none. */
export type UploadSource = 'staff' | 'citizen'

export interface AssetBlobsTable {
  sha256: string
  size: ColumnType<string, string | number, string | number>
  mime_type: string
  storage_key: string
  created_at: Generated<Date>
  last_used_at: Generated<Date>
}

export interface AssetsTable {
  id: Generated<string>
  tenant_id: string
  kind: AssetKind
  sha256: string
  mime_type: string
  size: ColumnType<string, string | number, string | number>
  original_name: Generated<string>
  title: Generated<string>
  caption: Generated<string>
  credit: Generated<string>
  source: Generated<string>
  copyright: Generated<string>
  licence: Generated<string>
  licence_expires_at: NullableTimestamp
  tags: Generated<string[]>
  people: Generated<string[]>
  places: Generated<string[]>
  shot_at: NullableTimestamp
  width: number | null
  height: number | null
  duration_ms: number | null
  focal_x: Generated<number>
  focal_y: Generated<number>
  phash: string | null
  metadata: Json
  derivatives_status: Generated<DerivativesStatus>
  derivatives_reason: string | null
  renditions: JsonList
  media: Json
  search: Generated<string>
  /** Null exactly when upload_source is not 'staff' (0011_public_uploads.sql). */
  uploaded_by: string | null
  upload_source: Generated<UploadSource>
  created_at: Generated<Date>
  updated_at: Generated<Date>
  deleted_at: NullableTimestamp
  deleted_by: string | null
}

export interface AssetSharesTable {
  id: Generated<string>
  tenant_id: string
  asset_id: string
  audience: 'parent' | 'children' | 'platform'
  owner_path: string[]
  owner_name: string
  kind: AssetKind
  title: string
  caption: string
  credit: string
  width: number | null
  height: number | null
  renditions: JsonList
  created_by: string
  created_at: Generated<Date>
  withdrawn_at: NullableTimestamp
  withdrawn_by: string | null
}

export interface AssetUsagesTable {
  id: Generated<string>
  tenant_id: string
  asset_id: string
  owner_tenant_id: string
  share_id: string | null
  ref_type: string
  ref_id: string
  credit: Generated<string>
  is_live: Generated<boolean>
  created_by: string | null
  created_at: Generated<Date>
}

export interface AssetLimitsTable {
  tenant_id: string
  kind: AssetKind
  max_bytes: ColumnType<string, string | number, string | number>
  updated_at: Generated<Date>
  updated_by: string | null
}

export interface AssetUploadsTable {
  id: Generated<string>
  tenant_id: string
  created_by: string
  filename: string
  declared_type: Generated<string>
  size: ColumnType<string, string | number, string | number>
  received: ColumnType<string, string | number | undefined, string | number>
  metadata: Json
  created_at: Generated<Date>
  expires_at: Date
}

export interface AssetCollectionsTable {
  id: Generated<string>
  tenant_id: string
  tenant_slug: string
  title: string
  description: Generated<string>
  is_public: Generated<boolean>
  published_at: NullableTimestamp
  created_by: string
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface AssetCollectionItemsTable {
  collection_id: string
  asset_id: string
  tenant_id: string
  added_at: Generated<Date>
}

/** Media library (0005_assets.sql, 0011_public_uploads.sql). */
export interface AssetsTables {
  asset_blobs: AssetBlobsTable
  assets: AssetsTable
  asset_shares: AssetSharesTable
  asset_usages: AssetUsagesTable
  asset_limits: AssetLimitsTable
  asset_uploads: AssetUploadsTable
  asset_collections: AssetCollectionsTable
  asset_collection_items: AssetCollectionItemsTable
}
