import { Space, Tag, Typography } from 'antd'
import type { Permission } from '../../api/types'
import { groupPermissions, permissionGroupName } from '../../components/PermissionChecklist'
import { t } from '../../i18n'

/** A role's permissions, grouped and named as in the catalogue. */
export function RolePermissions({ codes, catalogue }: { codes: string[]; catalogue: Permission[] }) {
  if (codes.length === 0) return <Typography.Text type="secondary">{t('roles.noPermissions')}</Typography.Text>
  const held = catalogue.filter((p) => codes.includes(p.code))
  const unknown = codes.filter((c) => !held.some((p) => p.code === c))
  return (
    <Space orientation="vertical" size={6} style={{ width: '100%' }}>
      {groupPermissions(held).map(([group, items]) => (
        <div key={group} style={{ display: 'flex', gap: 8, alignItems: 'baseline' }}>
          <Typography.Text type="secondary" style={{ flex: '0 0 96px' }}>
            {permissionGroupName(group)}
          </Typography.Text>
          <Space size={[4, 4]} wrap>
            {items.map((p) => (
              <Tag key={p.code} title={p.code}>
                {p.name}
              </Tag>
            ))}
          </Space>
        </div>
      ))}
      {unknown.length > 0 && (
        <Space size={[4, 4]} wrap>
          {unknown.map((c) => (
            <Tag key={c}>{c}</Tag>
          ))}
        </Space>
      )}
    </Space>
  )
}
