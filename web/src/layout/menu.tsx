import type { MenuProps } from 'antd'
import {
  AimOutlined,
  AuditOutlined,
  BarChartOutlined,
  BulbOutlined,
  ClusterOutlined,
  DashboardOutlined,
  FileSearchOutlined,
  FileTextOutlined,
  GlobalOutlined,
  LockOutlined,
  MessageOutlined,
  PictureOutlined,
  SafetyCertificateOutlined,
  SendOutlined,
  TeamOutlined,
} from '@ant-design/icons'
import type { ReactNode } from 'react'
import { t, type MessageKey } from '../i18n'

/** Who may open each admin page; the menu and the route guards read the same table. */
export const routeAccess = {
  '/tenants': ['tenant.read'],
  '/users': ['user.read'],
  '/roles': ['role.manage', 'user.read'],
  '/audit': ['audit.read'],
  '/security': ['security.policy.manage'],
} as const satisfies Record<string, readonly string[]>

type AdminPath = keyof typeof routeAccess

const adminEntries: { path: AdminPath; label: MessageKey; icon: ReactNode }[] = [
  { path: '/tenants', label: 'nav.tenants', icon: <ClusterOutlined /> },
  { path: '/users', label: 'nav.users', icon: <TeamOutlined /> },
  { path: '/roles', label: 'nav.roles', icon: <SafetyCertificateOutlined /> },
  { path: '/audit', label: 'nav.audit', icon: <FileSearchOutlined /> },
  { path: '/security', label: 'nav.security', icon: <LockOutlined /> },
]

// Modules on the roadmap: listed so people see what is coming, but not clickable yet.
const upcoming: { key: string; label: MessageKey; icon: ReactNode }[] = [
  { key: 'planning', label: 'nav.planning', icon: <AimOutlined /> },
  { key: 'leads', label: 'nav.leads', icon: <BulbOutlined /> },
  { key: 'stories', label: 'nav.stories', icon: <FileTextOutlined /> },
  { key: 'review', label: 'nav.review', icon: <AuditOutlined /> },
  { key: 'publishing', label: 'nav.publishing', icon: <SendOutlined /> },
  { key: 'assets', label: 'nav.assets', icon: <PictureOutlined /> },
  { key: 'interaction', label: 'nav.interaction', icon: <MessageOutlined /> },
  { key: 'analytics', label: 'nav.analytics', icon: <BarChartOutlined /> },
  { key: 'governance', label: 'nav.governance', icon: <GlobalOutlined /> },
]

function soonLabel(label: MessageKey) {
  return (
    <span className="rm-soon-item">
      <span className="rm-soon-name">{t(label)}</span>
      <span className="rm-soon-tag">{t('nav.soon')}</span>
    </span>
  )
}

export function buildMenuItems(canAny: (codes: readonly string[]) => boolean): NonNullable<MenuProps['items']> {
  const admin = adminEntries
    .filter((e) => canAny(routeAccess[e.path]))
    .map((e) => ({ key: e.path, icon: e.icon, label: t(e.label) }))
  return [
    { key: '/', icon: <DashboardOutlined />, label: t('nav.home') },
    {
      type: 'group',
      key: 'modules',
      label: t('nav.groupModules'),
      children: upcoming.map((m) => ({
        key: `soon:${m.key}`,
        icon: m.icon,
        label: soonLabel(m.label),
        title: t('nav.soonTitle', { name: t(m.label) }),
        disabled: true,
      })),
    },
    ...(admin.length ? [{ type: 'group' as const, key: 'admin', label: t('nav.groupAdmin'), children: admin }] : []),
  ]
}

/** The menu key to highlight for a location, so nested paths keep their parent selected. */
export function selectedMenuKey(pathname: string): string {
  const match = adminEntries.find((e) => pathname === e.path || pathname.startsWith(`${e.path}/`))
  return match ? match.path : pathname === '/' ? '/' : ''
}
