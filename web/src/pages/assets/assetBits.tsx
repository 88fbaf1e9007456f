import { Tag } from 'antd'
import { AudioOutlined, FileOutlined, PictureOutlined, VideoCameraOutlined } from '@ant-design/icons'
import { thumbUrl, type Asset, type AssetKind, type LicenceStatus } from '../../api/assets'
import { t } from '../../i18n'

const kindIcons: Record<AssetKind, typeof PictureOutlined> = {
  image: PictureOutlined, audio: AudioOutlined, video: VideoCameraOutlined, document: FileOutlined,
}

/** Sizes the way people read them: 3.2 MB, 840 KB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return ''
  const s = Math.round(ms / 1000)
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

/** The thumbnail, or the kind's icon while there is none (pending, audio, documents). */
export function AssetThumb({ asset, size }: { asset: Pick<Asset, 'renditions' | 'kind' | 'title'>; size?: number }) {
  const url = thumbUrl(asset)
  const Icon = kindIcons[asset.kind]
  const style = size ? { width: size, height: size } : undefined
  return (
    <span className="rm-asset-thumb" style={style}>
      {url ? <img src={url} alt={asset.title} loading="lazy" /> : <Icon aria-label={t(`assets.kind.${asset.kind}`)} />}
    </span>
  )
}

const licenceColors: Record<LicenceStatus, string> = { none: 'default', valid: 'green', expiring: 'orange', expired: 'red' }

export function LicenceTag({ status }: { status: LicenceStatus }) {
  return <Tag color={licenceColors[status]}>{t(`assets.licence.${status}`)}</Tag>
}

/**
 * Who put the asset in the library. A citizen's picture on a public message has no account
 * behind it; the API names only the account (no name), so a colleague's upload reads as staff.
 */
export function uploaderLabel(asset: Pick<Asset, 'uploadedBy' | 'uploadedVia'>, myId: string | undefined): string {
  if (asset.uploadedVia === 'citizen') return t('assets.uploader.citizen')
  return asset.uploadedBy !== null && asset.uploadedBy === myId ? t('assets.uploader.me') : t('assets.uploader.staff')
}
