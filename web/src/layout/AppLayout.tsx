import { useState } from 'react'
import { Button, Drawer, Grid, Layout, Menu } from 'antd'
import type { MenuProps } from 'antd'
import { MenuOutlined } from '@ant-design/icons'
import { Outlet, useLocation, useNavigate } from 'react-router-dom'
import { usePermissions } from '../auth/permissions'
import { ErrorBoundary } from '../components/ErrorBoundary'
import { t } from '../i18n'
import { Brand } from './Brand'
import { buildMenuItems, selectedMenuKey } from './menu'
import { TenantSwitcher } from './TenantSwitcher'
import { UserMenu } from './UserMenu'

const SIDER_WIDTH = 224

export function AppLayout() {
  const screens = Grid.useBreakpoint()
  // Until the first measurement `md` is undefined: assume a desktop rather than flash the drawer button.
  const isMobile = screens.md === false
  const [collapsed, setCollapsed] = useState(false)
  const [drawerOpen, setDrawerOpen] = useState(false)
  const { canAny } = usePermissions()
  const location = useLocation()
  const navigate = useNavigate()

  const onMenuClick: MenuProps['onClick'] = ({ key }) => {
    if (key.startsWith('/')) navigate(key)
    setDrawerOpen(false)
  }
  const menu = (
    <Menu
      theme="dark"
      mode="inline"
      aria-label={t('nav.label')}
      selectedKeys={[selectedMenuKey(location.pathname)]}
      items={buildMenuItems(canAny)}
      onClick={onMenuClick}
      style={{ borderInlineEnd: 0 }}
    />
  )

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {!isMobile && (
        <Layout.Sider
          width={SIDER_WIDTH}
          collapsible
          collapsed={collapsed}
          onCollapse={setCollapsed}
          breakpoint="lg"
          style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}
        >
          <div style={{ height: 56, display: 'flex', alignItems: 'center', paddingInline: collapsed ? 24 : 20 }}>
            <Brand collapsed={collapsed} dark />
          </div>
          {menu}
        </Layout.Sider>
      )}
      {isMobile && (
        <Drawer
          placement="left"
          open={drawerOpen}
          onClose={() => setDrawerOpen(false)}
          size={SIDER_WIDTH + 16}
          closable={false}
          styles={{ body: { padding: 0, background: '#001529' }, header: { display: 'none' } }}
        >
          <div style={{ height: 56, display: 'flex', alignItems: 'center', paddingInline: 20 }}>
            <Brand dark />
          </div>
          {menu}
        </Drawer>
      )}
      <Layout>
        <Layout.Header
          style={{
            display: 'flex',
            alignItems: 'center',
            gap: 12,
            position: 'sticky',
            top: 0,
            zIndex: 10,
            boxShadow: '0 1px 4px rgba(0, 21, 41, 0.08)',
          }}
        >
          {isMobile && (
            <>
              <Button
                type="text"
                icon={<MenuOutlined />}
                aria-label={t('nav.open')}
                data-testid="nav-toggle"
                onClick={() => setDrawerOpen(true)}
              />
              <Brand collapsed />
            </>
          )}
          <div style={{ flex: 1 }} />
          <TenantSwitcher compact={isMobile} />
          <UserMenu compact={isMobile} />
        </Layout.Header>
        <Layout.Content className="rm-content">
          <ErrorBoundary key={location.pathname}>
            <Outlet />
          </ErrorBoundary>
        </Layout.Content>
        <Layout.Footer style={{ textAlign: 'center', color: 'rgba(0,0,0,0.65)', padding: '12px 24px' }}>
          {t('app.footer')}
        </Layout.Footer>
      </Layout>
    </Layout>
  )
}
