import type { ReactElement } from 'react'
import { Route, Routes } from 'react-router-dom'
import { ApiBridge } from './ApiBridge'
import { RequireAccountReady, RequireSession } from './auth/guards'
import { RequirePermission } from './auth/RequirePermission'
import { AppLayout } from './layout/AppLayout'
import { LoginPage } from './pages/login/LoginPage'
import { SetupPasswordPage, SetupTotpPage } from './pages/account/SetupPages'
import { ChangePasswordPage } from './pages/account/ChangePasswordPage'
import { TwoFactorPage } from './pages/account/TwoFactorPage'
import { TokensPage } from './pages/account/TokensPage'
import { DashboardPage } from './pages/home/DashboardPage'
import { TenantsPage } from './pages/tenants/TenantsPage'
import { UsersPage } from './pages/users/UsersPage'
import { RolesPage } from './pages/roles/RolesPage'
import { AuditPage } from './pages/audit/AuditPage'
import { SecurityPolicyPage } from './pages/security/SecurityPolicyPage'
import { ForbiddenPage } from './pages/errors/ForbiddenPage'
import { NotFoundPage } from './pages/errors/NotFoundPage'
import { routeAccess } from './layout/menu'

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
              <Route path="tenants" element={guard('/tenants', <TenantsPage />)} />
              <Route path="users" element={guard('/users', <UsersPage />)} />
              <Route path="roles" element={guard('/roles', <RolesPage />)} />
              <Route path="audit" element={guard('/audit', <AuditPage />)} />
              <Route path="security" element={guard('/security', <SecurityPolicyPage />)} />
              <Route path="account/password" element={<ChangePasswordPage />} />
              <Route path="account/totp" element={<TwoFactorPage />} />
              <Route path="account/tokens" element={<TokensPage />} />
              <Route path="403" element={<ForbiddenPage />} />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Route>
        </Route>
      </Routes>
    </>
  )
}

function guard(path: keyof typeof routeAccess, page: ReactElement) {
  return <RequirePermission anyOf={routeAccess[path]}>{page}</RequirePermission>
}
