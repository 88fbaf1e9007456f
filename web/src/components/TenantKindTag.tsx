import { Tag } from 'antd'
import type { TenantKind } from '../api/types'
import { t } from '../i18n'

const colors: Record<TenantKind, string> = { platform: 'volcano', center: 'blue', unit: 'green' }

export function TenantKindTag({ kind }: { kind: TenantKind | undefined }) {
  if (!kind) return null
  return (
    <Tag color={colors[kind]} style={{ marginInlineEnd: 0 }}>
      {t(`tenantKind.${kind}`)}
    </Tag>
  )
}
