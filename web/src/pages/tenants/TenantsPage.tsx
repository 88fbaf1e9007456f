import { useRef, useState } from 'react'
import { Card, Col, Empty, Row } from 'antd'
import { useTenants } from '../../api/tenants'
import { PageHeader } from '../../components/PageHeader'
import { QueryError } from '../../components/QueryState'
import { buildTenantTree } from '../../lib/tenantTree'
import { t } from '../../i18n'
import { TenantDetails } from './TenantDetails'
import { TenantTree } from './TenantTree'

export function TenantsPage() {
  const tenants = useTenants()
  const [selectedId, setSelectedId] = useState<string | null>(null)
  const detailsRef = useRef<HTMLDivElement>(null)
  // Stacked on narrow screens the details sit below the tree; bring them into view on a pick.
  const select = (id: string) => {
    setSelectedId(id)
    if (window.innerWidth < 992) detailsRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' })
  }
  const list = tenants.data ?? []
  // Default to the top of the visible tree so the details panel is never blank without reason.
  const selected = list.find((x) => x.id === selectedId) ?? buildTenantTree(list)[0] ?? null

  return (
    <>
      <PageHeader title={t('nav.tenants')} description={t('tenants.description')} />
      {tenants.error ? (
        <QueryError error={tenants.error} onRetry={() => void tenants.refetch()} />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={10} xl={9}>
            <Card title={t('tenants.treeTitle')} loading={tenants.isPending}>
              <TenantTree tenants={list} selectedId={selected?.id ?? null} onSelect={select} />
            </Card>
          </Col>
          <Col xs={24} lg={14} xl={15} ref={detailsRef}>
            <Card title={t('tenants.detailsTitle')} loading={tenants.isPending}>
              {selected ? (
                <TenantDetails tenant={selected} tenants={list} onCreated={setSelectedId} />
              ) : (
                <Empty description={t('tenants.selectHint')} />
              )}
            </Card>
          </Col>
        </Row>
      )}
    </>
  )
}
