import { useState } from 'react'
import { Button, Card, Empty, Popconfirm, Space, Table, Tag, Tooltip, Typography } from 'antd'
import type { TableColumnsType } from 'antd'
import { PlusOutlined } from '@ant-design/icons'
import { useRevokeToken, useTokens } from '../../api/auth'
import { usePermissionCatalogue } from '../../api/roles'
import type { ApiToken } from '../../api/types'
import { useFeedback } from '../../components/feedback'
import { OneTimeSecretModal } from '../../components/OneTimeSecretModal'
import { PageHeader } from '../../components/PageHeader'
import { QueryError } from '../../components/QueryState'
import { useCanPinColumns } from '../../components/responsive'
import { useMe } from '../../api/auth'
import { formatDateTime, isFuture } from '../../lib/time'
import { t } from '../../i18n'
import { CreateTokenModal } from './CreateTokenModal'

function tokenState(token: ApiToken) {
  if (token.revokedAt) return <Tag>{t('tokens.revoked')}</Tag>
  if (token.expiresAt && !isFuture(token.expiresAt)) return <Tag color="orange">{t('tokens.expired')}</Tag>
  return <Tag color="green">{t('tokens.active')}</Tag>
}

export function TokensPage() {
  const tokens = useTokens()
  const catalogue = usePermissionCatalogue()
  const revoke = useRevokeToken()
  const feedback = useFeedback()
  const pin = useCanPinColumns()
  const { data: me } = useMe()
  const tenantNames = new Map((me?.memberships ?? []).map((m) => [m.tenantId, m.tenantName ?? m.tenantSlug ?? m.tenantId]))
  const [isCreating, setCreating] = useState(false)
  const [newToken, setNewToken] = useState<string | null>(null)
  const names = new Map((catalogue.data ?? []).map((p) => [p.code, p.name]))

  const columns: TableColumnsType<ApiToken> = [
    {
      title: t('tokens.name'),
      dataIndex: 'name',
      width: 200,
      render: (name: string, token) => (
        <div>
          <div>{name}</div>
          {token.prefix && <Typography.Text type="secondary" code style={{ fontSize: 12 }}>{token.prefix}…</Typography.Text>}
        </div>
      ),
    },
    { title: t('tokens.tenant'), dataIndex: 'tenantId', width: 160, render: (id: string) => tenantNames.get(id) ?? id },
    {
      title: t('tokens.scopes'),
      dataIndex: 'scopes',
      render: (scopes: string[]) => (
        <Space size={[4, 4]} wrap>
          {scopes.map((s) => (
            <Tooltip key={s} title={s}>
              <Tag>{names.get(s) ?? s}</Tag>
            </Tooltip>
          ))}
        </Space>
      ),
    },
    { title: t('common.createdAt'), dataIndex: 'createdAt', width: 170, render: formatDateTime },
    { title: t('tokens.lastUsedAt'), dataIndex: 'lastUsedAt', width: 170, render: (v: string | null) => formatDateTime(v) || t('tokens.neverUsed') },
    { title: t('tokens.expiresAt'), dataIndex: 'expiresAt', width: 170, render: (v: string | null) => formatDateTime(v) || t('tokens.noExpiry') },
    { title: t('common.status'), key: 'state', width: 90, render: (_, token) => tokenState(token) },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      fixed: pin ? 'right' : undefined,
      render: (_, token) =>
        !token.revokedAt && (
          <Popconfirm
            title={t('tokens.revokeConfirm', { name: token.name })}
            description={t('tokens.revokeHint')}
            okButtonProps={{ danger: true }}
            onConfirm={() =>
              revoke.mutateAsync(token.id).then(
                () => feedback.success(t('tokens.revokedOk')),
                (err: unknown) => feedback.error(err),
              )
            }
          >
            <Button type="link" danger size="small">
              {t('tokens.revoke')}
            </Button>
          </Popconfirm>
        ),
    },
  ]

  return (
    <>
      <PageHeader
        title={t('tokens.title')}
        description={t('tokens.description')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="token-create">
            {t('tokens.create')}
          </Button>
        }
      />
      <Card>
        {tokens.error ? (
          <QueryError error={tokens.error} onRetry={() => void tokens.refetch()} />
        ) : (
          <Table<ApiToken>
            rowKey="id"
            columns={columns}
            dataSource={tokens.data?.items}
            loading={tokens.isPending}
            pagination={false}
            scroll={{ x: 1100 }}
            locale={{ emptyText: <Empty description={t('tokens.empty')} /> }}
          />
        )}
      </Card>
      <CreateTokenModal
        open={isCreating}
        onClose={() => setCreating(false)}
        onCreated={(token) => {
          setCreating(false)
          setNewToken(token)
        }}
      />
      <OneTimeSecretModal
        open={newToken !== null}
        title={t('tokens.createdTitle')}
        secret={newToken}
        note={t('tokens.createdNote')}
        onClose={() => setNewToken(null)}
      />
    </>
  )
}
