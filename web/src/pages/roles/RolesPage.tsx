import { useState } from 'react'
import { Alert, App, Button, Card, Empty, Popconfirm, Space, Table, Tag, Tooltip, Typography } from 'antd'
import type { TableColumnsType } from 'antd'
import { PlusOutlined } from '@ant-design/icons'
import { ApiError } from '../../api/client'
import { useDeleteRole, usePermissionCatalogue, useRoles } from '../../api/roles'
import type { Role } from '../../api/types'
import { usePermissions } from '../../auth/permissions'
import { useFeedback } from '../../components/feedback'
import { PageHeader } from '../../components/PageHeader'
import { QueryError } from '../../components/QueryState'
import { useCanPinColumns } from '../../components/responsive'
import { t } from '../../i18n'
import { RoleFormModal, type RoleDraft } from './RoleFormModal'
import { RolePermissions } from './RolePermissions'

export function RolesPage() {
  const { can } = usePermissions()
  const canManage = can('role.manage')
  const roles = useRoles()
  const catalogue = usePermissionCatalogue()
  const remove = useDeleteRole()
  const feedback = useFeedback()
  const { modal } = App.useApp()
  const [draft, setDraft] = useState<RoleDraft | null>(null)
  const pin = useCanPinColumns()

  const onDelete = (role: Role) =>
    remove.mutateAsync(role.id).then(
      () => feedback.success(t('roles.deletedOk', { name: role.name })),
      (err: unknown) => {
        // Deleting an assigned role is a normal situation, not an error toast: explain what to do.
        if (err instanceof ApiError && err.code === 'ROLE_IN_USE') {
          modal.warning({ title: t('roles.inUseTitle', { name: role.name }), content: err.message })
        } else feedback.error(err)
      },
    )

  const columns: TableColumnsType<Role> = [
    {
      title: t('roles.name'),
      dataIndex: 'name',
      width: 200,
      render: (name: string, role) => (
        <Space size={6}>
          <Typography.Text strong>{name}</Typography.Text>
          {role.isBuiltin ? <Tag color="geekblue">{t('roles.builtinTag')}</Tag>
            : role.isInherited ? <Tooltip title={t('roles.inheritedHint')}><Tag color="purple">{t('roles.inheritedTag')}</Tag></Tooltip>
              : <Tag color="cyan">{t('roles.customTag')}</Tag>}
        </Space>
      ),
    },
    { title: t('roles.code'), dataIndex: 'code', width: 170, render: (code: string) => <Typography.Text code>{code}</Typography.Text> },
    { title: t('roles.descriptionLabel'), dataIndex: 'description', render: (d: string) => d || <Typography.Text type="secondary">—</Typography.Text> },
    { title: t('roles.permissionCount'), key: 'count', width: 100, render: (_, role) => role.permissions.length },
  ]
  if (canManage) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      width: 160,
      fixed: pin ? 'right' : undefined,
      render: (_, role) =>
        role.isBuiltin || role.isInherited ? (
          <Button
            type="link"
            size="small"
            onClick={() =>
              setDraft({ code: `${role.code}_copy`, name: t('roles.copyName', { name: role.name }), description: role.description, permissions: role.permissions })
            }
          >
            {t('roles.copy')}
          </Button>
        ) : (
          <Space size={0}>
            <Button type="link" size="small" onClick={() => setDraft({ ...role })}>
              {t('common.edit')}
            </Button>
            <Popconfirm
              title={t('roles.deleteConfirm', { name: role.name })}
              description={t('roles.deleteHint')}
              okButtonProps={{ danger: true }}
              onConfirm={() => onDelete(role)}
            >
              <Button type="link" size="small" danger>
                {t('common.delete')}
              </Button>
            </Popconfirm>
          </Space>
        ),
    })
  }

  return (
    <>
      <PageHeader
        title={t('nav.roles')}
        description={t('roles.description')}
        extra={
          canManage && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setDraft({ code: '', name: '', description: '', permissions: [] })} data-testid="role-create">
              {t('roles.create')}
            </Button>
          )
        }
      />
      <Alert type="info" showIcon title={t('roles.separationHint')} style={{ marginBottom: 16 }} />
      <Card>
        {roles.error ? (
          <QueryError error={roles.error} onRetry={() => void roles.refetch()} />
        ) : (
          <Table<Role>
            rowKey="id"
            columns={columns}
            dataSource={roles.data}
            loading={roles.isPending}
            pagination={false}
            scroll={{ x: 800 }}
            expandable={{
              expandedRowRender: (role) => <RolePermissions codes={role.permissions} catalogue={catalogue.data ?? []} />,
            }}
            locale={{ emptyText: <Empty description={t('roles.empty')} /> }}
          />
        )}
      </Card>
      <RoleFormModal draft={draft} catalogue={catalogue.data ?? []} onClose={() => setDraft(null)} />
    </>
  )
}
