import { Alert, Card, Col, Descriptions, Empty, List, Row, Space, Tag, Typography } from 'antd'
import { CheckCircleFilled, ExclamationCircleFilled } from '@ant-design/icons'
import { Link } from 'react-router-dom'
import { useMe } from '../../api/auth'
import { usePermissionCatalogue } from '../../api/roles'
import { groupPermissions, permissionGroupName } from '../../components/PermissionChecklist'
import { FullPageSpin } from '../../components/QueryState'
import { TenantKindTag } from '../../components/TenantKindTag'
import { formatDate } from '../../lib/time'
import { t } from '../../i18n'
import { ModulesCard } from './ModulesCard'
import { WorkCard } from './WorkCard'

export function DashboardPage() {
  const { data: me } = useMe()
  const catalogue = usePermissionCatalogue()
  if (!me) return <FullPageSpin />
  const { user, tenant } = me
  const held = (catalogue.data ?? []).filter((p) => me.permissions.includes(p.code))
  const unknown = me.permissions.filter((c) => !held.some((p) => p.code === c))

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <Typography.Title level={3} style={{ marginTop: 0 }} data-testid="dashboard-greeting">
          {t('home.greeting', { name: user.displayName })}
        </Typography.Title>
        {tenant ? (
          <Space wrap size={8}>
            <Typography.Text type="secondary">{t('home.actingIn')}</Typography.Text>
            <TenantKindTag kind={tenant.kind} />
            <Typography.Text strong data-testid="dashboard-tenant">
              {tenant.name}
            </Typography.Text>
            <Typography.Text type="secondary">{t('home.slug', { slug: tenant.slug })}</Typography.Text>
            {user.isDemo && <Tag color="gold">{t('home.demoAccount')}</Tag>}
          </Space>
        ) : (
          <Alert type="warning" showIcon title={t('home.noTenant')} />
        )}
      </Card>

      {tenant && <WorkCard />}

      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card title={t('home.account')} style={{ height: '100%' }}>
            <Descriptions column={1} size="small" styles={{ label: { width: 110 } }}
              items={[
                { key: 'username', label: t('users.username'), children: user.username },
                { key: 'displayName', label: t('users.displayName'), children: user.displayName },
                { key: 'email', label: t('users.email'), children: user.email || t('common.notSet') },
                { key: 'phone', label: t('users.phone'), children: user.phone || t('common.notSet') },
                {
                  key: 'totp',
                  label: t('userMenu.totp'),
                  children: user.totpEnabled ? (
                    <Typography.Text type="success"><CheckCircleFilled /> {t('home.totpOn')}</Typography.Text>
                  ) : (
                    <Link to="/account/totp"><ExclamationCircleFilled style={{ color: '#faad14' }} /> {t('home.totpOff')}</Link>
                  ),
                },
                { key: 'pwd', label: t('home.passwordExpires'), children: user.passwordExpiresAt ? formatDate(user.passwordExpiresAt) : t('home.passwordNoExpiry') },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('home.roles')} style={{ height: '100%' }}>
            <List
              size="small"
              dataSource={me.memberships}
              locale={{ emptyText: <Empty description={t('home.noRoles')} /> }}
              renderItem={(m) => (
                <List.Item>
                  <Space wrap size={6}>
                    <TenantKindTag kind={m.tenantKind} />
                    <span>{m.tenantName ?? m.tenantSlug}</span>
                    <Typography.Text type="secondary">·</Typography.Text>
                    <Typography.Text strong>{m.roleName ?? m.roleCode}</Typography.Text>
                    {m.extendsToDescendants && <Tag>{t('users.withDescendants')}</Tag>}
                    {m.tenantId === tenant?.id && <Tag color="blue">{t('home.current')}</Tag>}
                  </Space>
                </List.Item>
              )}
            />
          </Card>
        </Col>
      </Row>

      <Card title={t('home.permissions', { tenant: tenant?.name ?? '' })}>
        {me.permissions.length === 0 ? (
          <Empty description={t('home.noPermissions')} />
        ) : (
          <Space orientation="vertical" size={10} style={{ width: '100%' }}>
            {groupPermissions(held).map(([group, items]) => (
              <div key={group}>
                <Typography.Text type="secondary" style={{ display: 'inline-block', minWidth: 96 }}>
                  {permissionGroupName(group)}
                </Typography.Text>
                <Space size={[4, 4]} wrap>
                  {items.map((p) => <Tag key={p.code} title={p.code}>{p.name}</Tag>)}
                </Space>
              </div>
            ))}
            {unknown.length > 0 && (
              <Space size={[4, 4]} wrap>
                {unknown.map((c) => <Tag key={c}>{c}</Tag>)}
              </Space>
            )}
          </Space>
        )}
      </Card>

      <ModulesCard />
    </Space>
  )
}
