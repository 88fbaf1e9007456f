import { useState } from 'react'
import { App, Badge, Breadcrumb, Button, Descriptions, Space, Typography } from 'antd'
import { DragOutlined, EditOutlined, PlusOutlined, StopOutlined, CheckCircleOutlined } from '@ant-design/icons'
import { useUpdateTenant } from '../../api/tenants'
import type { Tenant } from '../../api/types'
import { usePermissions } from '../../auth/permissions'
import { useFeedback } from '../../components/feedback'
import { TenantKindTag } from '../../components/TenantKindTag'
import { tenantPath } from '../../lib/tenantTree'
import { formatDateTime } from '../../lib/time'
import { t } from '../../i18n'
import { MoveTenantModal } from './MoveTenantModal'
import { TenantFormModal } from './TenantFormModal'

interface Props {
  tenant: Tenant
  tenants: Tenant[]
  onCreated: (id: string) => void
}

type Dialog = 'create' | 'rename' | 'move' | null

export function TenantDetails({ tenant, tenants, onCreated }: Props) {
  const { can } = usePermissions()
  const { modal } = App.useApp()
  const update = useUpdateTenant()
  const feedback = useFeedback()
  const [dialog, setDialog] = useState<Dialog>(null)
  const canManage = can('tenant.manage')
  const path = tenantPath(tenants, tenant.id)
  const childCount = tenants.filter((x) => x.parentId === tenant.id).length

  const toggleDisabled = () => {
    const disabling = !tenant.isDisabled
    modal.confirm({
      title: t(disabling ? 'tenants.disableConfirm' : 'tenants.enableConfirm', { name: tenant.name }),
      content: t(disabling ? 'tenants.disableHint' : 'tenants.enableHint'),
      okText: t(disabling ? 'tenants.disable' : 'tenants.enable'),
      okButtonProps: { danger: disabling },
      onOk: () =>
        update.mutateAsync({ id: tenant.id, isDisabled: disabling }).then(
          () => feedback.success(t(disabling ? 'tenants.disabledOk' : 'tenants.enabledOk', { name: tenant.name })),
          (err: unknown) => feedback.error(err),
        ),
    })
  }

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Breadcrumb items={path.map((p) => ({ key: p.id, title: p.name }))} />
      {canManage && (
        <Space wrap>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog('create')} data-testid="tenant-create-child">
            {t('tenants.createChild')}
          </Button>
          <Button icon={<EditOutlined />} onClick={() => setDialog('rename')} data-testid="tenant-rename">
            {t('tenants.rename')}
          </Button>
          {tenant.parentId && (
            <Button icon={<DragOutlined />} onClick={() => setDialog('move')} data-testid="tenant-move">
              {t('tenants.move')}
            </Button>
          )}
          {tenant.parentId && (
            <Button
              danger={!tenant.isDisabled}
              icon={tenant.isDisabled ? <CheckCircleOutlined /> : <StopOutlined />}
              onClick={toggleDisabled}
              data-testid="tenant-toggle-disabled"
            >
              {t(tenant.isDisabled ? 'tenants.enable' : 'tenants.disable')}
            </Button>
          )}
        </Space>
      )}
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, sm: 1, md: 2 }}
        styles={{ label: { whiteSpace: 'nowrap' } }}
        items={[
          { key: 'name', label: t('tenants.name'), children: tenant.name },
          { key: 'slug', label: t('tenants.slug'), children: <Typography.Text copyable code>{tenant.slug}</Typography.Text> },
          { key: 'kind', label: t('tenants.kind'), children: <TenantKindTag kind={tenant.kind} /> },
          {
            key: 'state',
            label: t('common.status'),
            children: tenant.isDisabled ? <Badge status="default" text={t('tenants.disabled')} /> : <Badge status="success" text={t('tenants.active')} />,
          },
          { key: 'parent', label: t('tenants.parent'), children: path.length > 1 ? path[path.length - 2].name : t('tenants.noParent') },
          { key: 'children', label: t('tenants.childCount'), children: childCount },
          { key: 'createdAt', label: t('common.createdAt'), children: formatDateTime(tenant.createdAt) },
          { key: 'id', label: 'ID', children: <Typography.Text copyable type="secondary" style={{ fontSize: 12 }}>{tenant.id}</Typography.Text> },
        ]}
      />
      <TenantFormModal
        mode={dialog === 'rename' ? 'rename' : 'create'}
        open={dialog === 'create' || dialog === 'rename'}
        tenant={tenant}
        onClose={() => setDialog(null)}
        onCreated={onCreated}
      />
      <MoveTenantModal open={dialog === 'move'} tenant={tenant} tenants={tenants} onClose={() => setDialog(null)} />
    </Space>
  )
}
