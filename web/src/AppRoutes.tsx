import { lazy, Suspense, type ComponentType, type ReactElement } from 'react'
import { Route, Routes } from 'react-router-dom'
import { ApiBridge } from './ApiBridge'
import { RequireAccountReady, RequireSession } from './auth/guards'
import { RequirePermission } from './auth/RequirePermission'
import { AppLayout } from './layout/AppLayout'
import { LoginPage } from './pages/login/LoginPage'
import { SetupPasswordPage, SetupTotpPage } from './pages/account/SetupPages'
import { DashboardPage } from './pages/home/DashboardPage'
import { ForbiddenPage } from './pages/errors/ForbiddenPage'
import { NotFoundPage } from './pages/errors/NotFoundPage'
import { FullPageSpin } from './components/QueryState'
import { routeAccess } from './layout/menu'

// Admin pages load on first visit: sign-in and the dashboard should not wait for tables and trees.
const page = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(() => load().then((m) => ({ default: m[name] })))
const ChangePasswordPage = page(() => import('./pages/account/ChangePasswordPage'), 'ChangePasswordPage')
const TwoFactorPage = page(() => import('./pages/account/TwoFactorPage'), 'TwoFactorPage')
const TokensPage = page(() => import('./pages/account/TokensPage'), 'TokensPage')
const TenantsPage = page(() => import('./pages/tenants/TenantsPage'), 'TenantsPage')
const UsersPage = page(() => import('./pages/users/UsersPage'), 'UsersPage')
const RolesPage = page(() => import('./pages/roles/RolesPage'), 'RolesPage')
const AuditPage = page(() => import('./pages/audit/AuditPage'), 'AuditPage')
const SecurityPolicyPage = page(() => import('./pages/security/SecurityPolicyPage'), 'SecurityPolicyPage')
const StoriesPage = page(() => import('./pages/stories/StoriesPage'), 'StoriesPage')
const StoryEditPage = page(() => import('./pages/stories/StoryEditPage'), 'StoryEditPage')
const ReviewQueuePage = page(() => import('./pages/review/ReviewQueuePage'), 'ReviewQueuePage')
const ReviewPage = page(() => import('./pages/review/ReviewPage'), 'ReviewPage')
const ErrorReportPage = page(() => import('./pages/review/ErrorReportPage'), 'ErrorReportPage')
const WorkflowSettingsPage = page(() => import('./pages/review/WorkflowSettingsPage'), 'WorkflowSettingsPage')
const CheckRulesPage = page(() => import('./pages/review/CheckRulesPage'), 'CheckRulesPage')
const AssetsPage = page(() => import('./pages/assets/AssetsPage'), 'AssetsPage')
const ticketPages = () => import('./pages/tickets')
const TicketInboxPage = page(ticketPages, 'TicketInboxPage')
const TicketWorkbenchPage = page(ticketPages, 'TicketWorkbenchPage')
const TicketReviewPage = page(ticketPages, 'TicketReviewPage')
const SupervisionPage = page(ticketPages, 'SupervisionPage')
const TicketDetailPage = page(ticketPages, 'TicketDetailPage')
const KpiPage = page(ticketPages, 'KpiPage')
const TicketCataloguePage = page(ticketPages, 'TicketCataloguePage')
const CalendarPage = page(ticketPages, 'CalendarPage')
const FaqPage = page(ticketPages, 'FaqPage')
const Open311KeysPage = page(ticketPages, 'Open311KeysPage')
const publishingPages = () => import('./pages/publishing')
const PublishingBoardPage = page(publishingPages, 'BoardPage')
const PublishingAccountsPage = page(publishingPages, 'AccountsPage')
const PublishingCalendarPage = page(publishingPages, 'CalendarPage')
const StoryPublishingPage = page(publishingPages, 'StoryPublishingPage')

export function AppRoutes() {
  return (
    <>
      <ApiBridge />
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route element={<RequireSession />}>
          <Route path="/setup/password" element={<SetupPasswordPage />} />
          <Route path="/setup/totp" element={<SetupTotpPage />} />
          <Route element={<RequireAccountReady />}>
            <Route element={<AppLayout />}>
              <Route index element={<DashboardPage />} />
              <Route path="stories" element={guard('/stories', <StoriesPage />)} />
              <Route path="stories/:id" element={guard('/stories', <StoryEditPage />)} />
              <Route path="review" element={guard('/review', <ReviewQueuePage />)} />
              <Route path="review/errors" element={guard('/review/errors', <ErrorReportPage />)} />
              <Route path="review/workflow" element={guard('/review/workflow', <WorkflowSettingsPage />)} />
              <Route path="review/rules" element={guard('/review/rules', <CheckRulesPage />)} />
              <Route path="review/:id" element={guard('/review', <ReviewPage />)} />
              <Route path="assets" element={guard('/assets', <AssetsPage />)} />
              <Route path="tickets/inbox" element={guard('/tickets/inbox', <TicketInboxPage />)} />
              <Route path="tickets/workbench" element={guard('/tickets/workbench', <TicketWorkbenchPage />)} />
              <Route path="tickets/review" element={guard('/tickets/review', <TicketReviewPage />)} />
              <Route path="tickets/supervision" element={guard('/tickets/supervision', <SupervisionPage />)} />
              <Route path="tickets/kpis" element={guard('/tickets/kpis', <KpiPage />)} />
              <Route path="tickets/catalogue" element={guard('/tickets/catalogue', <TicketCataloguePage />)} />
              <Route path="tickets/calendar" element={guard('/tickets/calendar', <CalendarPage />)} />
              <Route path="tickets/faq" element={guard('/tickets/faq', <FaqPage />)} />
              <Route path="tickets/open311" element={guard('/tickets/open311', <Open311KeysPage />)} />
              <Route path="tickets/:id" element={guard('/tickets', <TicketDetailPage />)} />
              <Route path="publishing" element={guard('/publishing', <PublishingBoardPage />)} />
              <Route path="publishing/accounts" element={guard('/publishing/accounts', <PublishingAccountsPage />)} />
              <Route path="publishing/calendar" element={guard('/publishing/calendar', <PublishingCalendarPage />)} />
              <Route path="publishing/stories/:id" element={guard('/publishing', <StoryPublishingPage />)} />
              <Route path="tenants" element={guard('/tenants', <TenantsPage />)} />
              <Route path="users" element={guard('/users', <UsersPage />)} />
              <Route path="roles" element={guard('/roles', <RolesPage />)} />
              <Route path="audit" element={guard('/audit', <AuditPage />)} />
              <Route path="security" element={guard('/security', <SecurityPolicyPage />)} />
              <Route path="account/password" element={lazyPage(<ChangePasswordPage />)} />
              <Route path="account/totp" element={lazyPage(<TwoFactorPage />)} />
              <Route path="account/tokens" element={lazyPage(<TokensPage />)} />
              <Route path="403" element={<ForbiddenPage />} />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Route>
        </Route>
      </Routes>
    </>
  )
}

function lazyPage(element: ReactElement) {
  return <Suspense fallback={<FullPageSpin />}>{element}</Suspense>
}

function guard(path: keyof typeof routeAccess, element: ReactElement) {
  return <RequirePermission anyOf={routeAccess[path]}>{lazyPage(element)}</RequirePermission>
}
