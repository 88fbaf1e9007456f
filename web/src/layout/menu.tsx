import type { MenuProps } from 'antd'
import {
  AimOutlined,
  ApiOutlined,
  ApartmentOutlined,
  AuditOutlined,
  BarChartOutlined,
  BulbOutlined,
  CalendarOutlined,
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
  WarningOutlined,
} from '@ant-design/icons'
import type { ReactNode } from 'react'
import { t, type MessageKey } from '../i18n'

/** Who may open each page; the menu and the route guards read the same table. */
export const routeAccess = {
  '/stories': ['story.read'],
  '/review': ['story.read'],
  '/review/errors': ['story.review.final', 'analytics.read'],
  '/review/workflow': ['story.rules.manage'],
  '/review/rules': ['story.rules.manage'],
  '/assets': ['asset.read'],
  '/tickets': ['ticket.read'],
  '/tickets/inbox': ['ticket.dispatch'],
  '/tickets/workbench': ['ticket.handle'],
  '/tickets/review': ['ticket.reply.review'],
  '/tickets/supervision': ['ticket.dispatch'],
  '/tickets/kpis': ['ticket.read'],
  '/tickets/catalogue': ['ticket.read'],
  '/tickets/calendar': ['calendar.manage', 'ticket.dispatch'],
  '/tickets/faq': ['faq.manage', 'ticket.read'],
  '/tickets/open311': ['ticket.dispatch'],
  '/publishing': ['publication.read'],
  '/publishing/accounts': ['publication.read'],
  '/publishing/calendar': ['publication.read'],
  '/tenants': ['tenant.read'],
  '/users': ['user.read'],
  '/roles': ['role.manage', 'user.read'],
  '/audit': ['audit.read'],
  '/security': ['security.policy.manage'],
} as const satisfies Record<string, readonly string[]>

type AppPath = keyof typeof routeAccess

interface Entry {
  path: AppPath
  label: MessageKey
  icon: ReactNode
}

// Modules that are live: the editorial core (文稿中心, 三审三校).
const moduleEntries: Entry[] = [
  { path: '/stories', label: 'nav.stories', icon: <FileTextOutlined /> },
  { path: '/review', label: 'nav.review', icon: <AuditOutlined /> },
  { path: '/review/errors', label: 'nav.errorReport', icon: <WarningOutlined /> },
  { path: '/review/workflow', label: 'nav.reviewWorkflow', icon: <ApartmentOutlined /> },
  { path: '/review/rules', label: 'nav.checkRules', icon: <SafetyCertificateOutlined /> },
  { path: '/assets', label: 'nav.assets', icon: <PictureOutlined /> },
  { path: '/publishing', label: 'nav.publishBoard', icon: <SendOutlined /> },
  { path: '/publishing/accounts', label: 'nav.publishAccounts', icon: <ApiOutlined /> },
  { path: '/publishing/calendar', label: 'nav.publishCalendar', icon: <CalendarOutlined /> },
  { path: '/tickets/inbox', label: 'nav.ticketInbox', icon: <MessageOutlined /> },
  { path: '/tickets/workbench', label: 'nav.ticketWorkbench', icon: <MessageOutlined /> },
  { path: '/tickets/review', label: 'nav.ticketReview', icon: <AuditOutlined /> },
  { path: '/tickets/supervision', label: 'nav.ticketSupervision', icon: <WarningOutlined /> },
  { path: '/tickets/kpis', label: 'nav.ticketKpis', icon: <BarChartOutlined /> },
  { path: '/tickets/catalogue', label: 'nav.ticketCatalogue', icon: <ApartmentOutlined /> },
  { path: '/tickets/calendar', label: 'nav.ticketCalendar', icon: <CalendarOutlined /> },
  { path: '/tickets/faq', label: 'nav.ticketFaq', icon: <BulbOutlined /> },
  { path: '/tickets/open311', label: 'nav.ticketOpen311', icon: <ApiOutlined /> },
]

const adminEntries: Entry[] = [
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
  const visible = (entries: Entry[]) =>
    entries.filter((e) => canAny(routeAccess[e.path])).map((e) => ({ key: e.path, icon: e.icon, label: t(e.label) }))
  const admin = visible(adminEntries)
  return [
    { key: '/', icon: <DashboardOutlined />, label: t('nav.home') },
    {
      type: 'group',
      key: 'modules',
      label: t('nav.groupModules'),
      children: [
        ...visible(moduleEntries),
        ...upcoming.map((m) => ({
          key: `soon:${m.key}`,
          icon: m.icon,
          label: soonLabel(m.label),
          title: t('nav.soonTitle', { name: t(m.label) }),
          disabled: true,
        })),
      ],
    },
    ...(admin.length ? [{ type: 'group' as const, key: 'admin', label: t('nav.groupAdmin'), children: admin }] : []),
  ]
}

/** The menu key to highlight for a location, so nested paths keep their parent selected. */
export function selectedMenuKey(pathname: string): string {
  // The longest matching path wins: /review/errors is its own entry, /review/<id> belongs to /review.
  const match = [...moduleEntries, ...adminEntries]
    .filter((e) => pathname === e.path || pathname.startsWith(`${e.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0]
  return match ? match.path : pathname === '/' ? '/' : ''
}
