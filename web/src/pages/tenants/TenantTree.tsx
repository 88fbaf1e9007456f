import { useMemo, useState } from 'react'
import { Empty, Input, Space, Tag, Tree, Typography } from 'antd'
import type { TreeDataNode } from 'antd'
import type { Tenant } from '../../api/types'
import { TenantKindTag } from '../../components/TenantKindTag'
import { buildTenantTree, tenantPath, type TenantNode } from '../../lib/tenantTree'
import { t } from '../../i18n'

interface Props {
  tenants: Tenant[]
  selectedId: string | null
  onSelect: (id: string) => void
}

function toTreeData(nodes: TenantNode[], visible: Set<string> | null): TreeDataNode[] {
  return nodes
    .filter((n) => !visible || visible.has(n.id))
    .map((n) => ({
      key: n.id,
      title: (
        <Space size={6} data-testid={`tenant-node-${n.slug}`}>
          <Typography.Text type={n.isDisabled ? 'secondary' : undefined} delete={n.isDisabled}>
            {n.name}
          </Typography.Text>
          <TenantKindTag kind={n.kind} />
          {n.isDisabled && <Tag color="default">{t('tenants.disabled')}</Tag>}
        </Space>
      ),
      children: toTreeData(n.children, visible),
    }))
}

/** The tenant hierarchy with a name/slug filter that keeps the ancestors of every match visible. */
export function TenantTree({ tenants, selectedId, onSelect }: Props) {
  const [query, setQuery] = useState('')
  const roots = useMemo(() => buildTenantTree(tenants), [tenants])
  const visible = useMemo(() => {
    const q = query.trim().toLowerCase()
    if (!q) return null
    const out = new Set<string>()
    for (const tenant of tenants) {
      if (tenant.name.toLowerCase().includes(q) || tenant.slug.includes(q)) {
        for (const a of tenantPath(tenants, tenant.id)) out.add(a.id)
      }
    }
    return out
  }, [query, tenants])
  const treeData = useMemo(() => toTreeData(roots, visible), [roots, visible])

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Input.Search
        allowClear
        placeholder={t('tenants.searchPlaceholder')}
        aria-label={t('tenants.searchPlaceholder')}
        onChange={(e) => setQuery(e.target.value)}
      />
      {treeData.length === 0 ? (
        <Empty description={query ? t('tenants.noMatch') : t('tenants.empty')} />
      ) : (
        <Tree
          // Remount on filter changes so that expansion follows the matches.
          key={query}
          treeData={treeData}
          defaultExpandAll
          blockNode
          showLine
          selectedKeys={selectedId ? [selectedId] : []}
          onSelect={(keys) => keys[0] !== undefined && onSelect(String(keys[0]))}
          aria-label={t('tenants.treeLabel')}
        />
      )}
    </Space>
  )
}
