import { App, Button, Dropdown, Space, Tag, Tooltip, Typography } from 'antd'
import type { MenuProps, TableColumnsType } from 'antd'
import { MoreOutlined } from '@ant-design/icons'
import type { Role, Tenant, User } from '../../api/types'
import { useResetPassword, useUnlockUser, useUpdateUser } from '../../api/users'
import { useFeedback } from '../../components/feedback'
import { useCanPinColumns } from '../../components/responsive'
import { formatDateTime, formatDateTimeShort, isFuture } from '../../lib/time'
import { t } from '../../i18n'

export type UserDialog = { kind: 'edit' | 'memberships'; userId: string } | null

interface Options {
  tenants: Tenant[]
  roles: Role[]
  canManage: boolean
  openDialog: (dialog: UserDialog) => void
  showSecret: (title: string, value: string, note: string) => void
}

export function UserState({ user }: { user: User }) {
  if (user.isDisabled) return <Tag color="red">{t('users.stateDisabled')}</Tag>
  if (isFuture(user.lockedUntil)) {
    return (
      <Tooltip title={formatDateTime(user.lockedUntil)}>
        <Tag color="orange">{t('users.stateLocked', { until: formatDateTimeShort(user.lockedUntil) })}</Tag>
      </Tooltip>
    )
  }
  if (user.mustChangePassword) {
    return (
      <Tooltip title={t('users.statePendingHint')}>
        <Tag color="blue">{t('users.statePending')}</Tag>
      </Tooltip>
    )
  }
  return <Tag color="green">{t('users.stateActive')}</Tag>
}

/** "机构·角色" labels; the list reply may omit names, so fall back to the tenant and role lists. */
export function membershipLabel(m: User['memberships'][number], tenants: Tenant[], roles: Role[]): string {
  const tenant = m.tenantName ?? tenants.find((x) => x.id === m.tenantId)?.name ?? m.tenantSlug ?? m.tenantId
  const role = m.roleName ?? roles.find((r) => r.id === m.roleId)?.name ?? m.roleCode ?? m.roleId
  return `${tenant}·${role}`
}

export function useUserColumns({ tenants, roles, canManage, openDialog, showSecret }: Options): TableColumnsType<User> {
  const { modal } = App.useApp()
  const feedback = useFeedback()
  const update = useUpdateUser()
  const reset = useResetPassword()
  const unlock = useUnlockUser()
  const pin = useCanPinColumns()

  const confirmToggle = (user: User) => {
    const disabling = !user.isDisabled
    modal.confirm({
      title: t(disabling ? 'users.disableConfirm' : 'users.enableConfirm', { name: user.displayName }),
      content: t(disabling ? 'users.disableHint' : 'users.enableHint'),
      okButtonProps: { danger: disabling },
      onOk: () =>
        update.mutateAsync({ id: user.id, isDisabled: disabling }).then(
          () => feedback.success(t(disabling ? 'users.disabledOk' : 'users.enabledOk')),
          (err: unknown) => feedback.error(err),
        ),
    })
  }

  const confirmReset = (user: User) =>
    modal.confirm({
      title: t('users.resetConfirm', { name: user.displayName }),
      content: t('users.resetHint'),
      onOk: () =>
        reset.mutateAsync(user.id).then(
          ({ temporaryPassword }) => showSecret(t('users.resetTitle', { username: user.username }), temporaryPassword, t('users.temporaryNote')),
          (err: unknown) => feedback.error(err),
        ),
    })

  const doUnlock = (user: User) =>
    unlock.mutateAsync(user.id).then(
      () => feedback.success(t('users.unlockedOk', { name: user.displayName })),
      (err: unknown) => feedback.error(err),
    )

  const menuFor = (user: User): MenuProps => ({
    items: [
      { key: 'reset', label: t('users.resetPassword') },
      ...(isFuture(user.lockedUntil) ? [{ key: 'unlock', label: t('users.unlock') }] : []),
      { type: 'divider' as const },
      { key: 'toggle', label: t(user.isDisabled ? 'users.enable' : 'users.disable'), danger: !user.isDisabled },
    ],
    onClick: ({ key }) => {
      if (key === 'reset') confirmReset(user)
      else if (key === 'unlock') void doUnlock(user)
      else if (key === 'toggle') confirmToggle(user)
    },
  })

  const columns: TableColumnsType<User> = [
    {
      title: t('users.username'),
      dataIndex: 'username',
      width: 200,
      fixed: pin ? 'left' : undefined,
      render: (username: string, user) => (
        <Space size={4} style={{ whiteSpace: 'nowrap' }}>
          <Typography.Text strong>{username}</Typography.Text>
          {user.isDemo && <Tag color="gold">{t('users.demo')}</Tag>}
        </Space>
      ),
    },
    { title: t('users.displayName'), dataIndex: 'displayName', width: 130 },
    { title: t('common.status'), key: 'state', width: 120, render: (_, user) => <UserState user={user} /> },
    {
      title: t('users.memberships'),
      key: 'memberships',
      render: (_, user) =>
        user.memberships.length === 0 ? (
          <Typography.Text type="secondary">{t('users.noMemberships')}</Typography.Text>
        ) : (
          <Space size={[4, 4]} wrap>
            {user.memberships.map((m) => (
              <Tag key={m.id} color={m.extendsToDescendants ? 'blue' : undefined}>
                {membershipLabel(m, tenants, roles)}
                {m.extendsToDescendants && t('users.withDescendantsSuffix')}
              </Tag>
            ))}
          </Space>
        ),
    },
    {
      title: t('users.lastLoginAt'),
      dataIndex: 'lastLoginAt',
      width: 165,
      render: (v: string | null) => (v ? formatDateTime(v) : <Typography.Text type="secondary">{t('users.neverLoggedIn')}</Typography.Text>),
    },
  ]
  if (!canManage) return columns
  return [
    ...columns,
    {
      title: t('common.actions'),
      key: 'actions',
      width: 170,
      fixed: pin ? 'right' : undefined,
      render: (_, user) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => openDialog({ kind: 'edit', userId: user.id })}>
            {t('common.edit')}
          </Button>
          <Button type="link" size="small" onClick={() => openDialog({ kind: 'memberships', userId: user.id })}>
            {t('users.manageMemberships')}
          </Button>
          <Dropdown menu={menuFor(user)} trigger={['click']}>
            <Button type="link" size="small" icon={<MoreOutlined />} aria-label={t('users.moreActions', { name: user.username })} />
          </Dropdown>
        </Space>
      ),
    },
  ]
}
