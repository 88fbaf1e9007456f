import { useMemo, useState, type HTMLAttributes } from 'react'
import { Button, Card, Empty, Input, Table, TreeSelect, Typography } from 'antd'
import { UserAddOutlined } from '@ant-design/icons'
import { useRoles } from '../../api/roles'
import { useTenants } from '../../api/tenants'
import type { User } from '../../api/types'
import { useUsers, type UserFilters } from '../../api/users'
import { usePermissions } from '../../auth/permissions'
import { OneTimeSecretModal } from '../../components/OneTimeSecretModal'
import { PageHeader } from '../../components/PageHeader'
import { QueryError } from '../../components/QueryState'
import { buildTenantTree, toTreeSelect } from '../../lib/tenantTree'
import { t } from '../../i18n'
import { EditUserModal } from './EditUserModal'
import { InviteUserModal } from './InviteUserModal'
import { MembershipsDrawer } from './MembershipsDrawer'
import { useUserColumns, type UserDialog } from './userColumns'

export function UsersPage() {
  const { can } = usePermissions()
  const canManage = can('user.manage')
  const [filters, setFilters] = useState<UserFilters>({})
  const users = useUsers(filters)
  const tenants = useTenants(can('tenant.read'))
  const roles = useRoles()
  const [dialog, setDialog] = useState<UserDialog>(null)
  const [isInviting, setInviting] = useState(false)
  const [secret, setSecret] = useState<{ title: string; value: string; note: string } | null>(null)

  const tenantTree = useMemo(() => toTreeSelect(buildTenantTree(tenants.data ?? [])), [tenants.data])
  const rows = useMemo(() => users.data?.pages.flatMap((p) => p.items) ?? [], [users.data])
  const columns = useUserColumns({
    tenants: tenants.data ?? [],
    roles: roles.data ?? [],
    canManage,
    openDialog: setDialog,
    showSecret: (title, value, note) => setSecret({ title, value, note }),
  })
  const current = dialog ? rows.find((u) => u.id === dialog.userId) ?? null : null
  const isFiltered = !!(filters.q || filters.tenantId)

  return (
    <>
      <PageHeader
        title={t('nav.users')}
        description={t('users.description')}
        extra={
          canManage && (
            <Button type="primary" icon={<UserAddOutlined />} onClick={() => setInviting(true)} data-testid="user-invite">
              {t('users.invite')}
            </Button>
          )
        }
      />
      <Card>
        <div className="rm-toolbar">
          <Input.Search
            allowClear
            placeholder={t('users.searchPlaceholder')}
            aria-label={t('users.searchPlaceholder')}
            onSearch={(q) => setFilters((f) => ({ ...f, q: q.trim() || undefined }))}
            style={{ width: 280, maxWidth: '100%' }}
            data-testid="user-search"
          />
          {tenants.data && (
            <TreeSelect
              allowClear
              treeData={tenantTree}
              treeDefaultExpandAll
              showSearch={{ treeNodeFilterProp: 'title' }}
              placeholder={t('users.tenantFilter')}
              aria-label={t('users.tenantFilter')}
              value={filters.tenantId}
              onChange={(tenantId?: string) => setFilters((f) => ({ ...f, tenantId: tenantId || undefined }))}
              style={{ width: 240, maxWidth: '100%' }}
            />
          )}
        </div>
        {users.error ? (
          <QueryError error={users.error} onRetry={() => void users.refetch()} />
        ) : (
          <>
            <Table<User>
              rowKey="id"
              columns={columns}
              dataSource={rows}
              loading={users.isPending}
              pagination={false}
              scroll={{ x: 1200 }}
              onRow={(u) => ({ 'data-testid': `user-row-${u.username}` }) as HTMLAttributes<HTMLElement>}
              locale={{ emptyText: <Empty description={isFiltered ? t('users.noMatch') : t('users.empty')} /> }}
            />
            <div style={{ textAlign: 'center', marginTop: 16 }}>
              {users.hasNextPage ? (
                <Button onClick={() => void users.fetchNextPage()} loading={users.isFetchingNextPage} data-testid="users-load-more">
                  {t('common.loadMore')}
                </Button>
              ) : (
                rows.length > 0 && <Typography.Text type="secondary">{t('users.allShown', { count: rows.length })}</Typography.Text>
              )}
            </div>
          </>
        )}
      </Card>
      <InviteUserModal
        open={isInviting}
        tenantTree={tenantTree}
        roles={roles.data ?? []}
        onClose={() => setInviting(false)}
        onInvited={(username, password) => {
          setInviting(false)
          setSecret({ title: t('users.invitedTitle', { username }), value: password, note: t('users.temporaryNote') })
        }}
      />
      <EditUserModal user={dialog?.kind === 'edit' ? current : null} onClose={() => setDialog(null)} />
      <MembershipsDrawer
        user={dialog?.kind === 'memberships' ? current : null}
        tenants={tenants.data ?? []}
        tenantTree={tenantTree}
        roles={roles.data ?? []}
        onClose={() => setDialog(null)}
      />
      <OneTimeSecretModal
        open={secret !== null}
        title={secret?.title ?? ''}
        secret={secret?.value ?? null}
        note={secret?.note ?? ''}
        onClose={() => setSecret(null)}
      />
    </>
  )
}
