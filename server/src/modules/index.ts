import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../app.js'

/** A module's HTTP routes, registered under /api/v1 with the shared dependencies. */
export type ModuleRoutes = (api: FastifyInstance, deps: AppDeps) => Promise<void>

/** Every module's routes, in registration order. Add a module here with one line. */
export const moduleRoutes: ModuleRoutes[] = [
  (api, deps) => import('./tenancy/tenancy.routes.js').then((m) => m.tenancyRoutes(api, deps)),
  (api, deps) => import('./roles/roles.routes.js').then((m) => m.rolesRoutes(api, deps)),
  (api, deps) => import('./users/users.routes.js').then((m) => m.usersRoutes(api, deps)),
  (api, deps) => import('./audit/audit.routes.js').then((m) => m.auditRoutes(api, deps)),
  (api, deps) => import('./identity/account.routes.js').then((m) => m.accountRoutes(api, deps)),
  (api, deps) => import('./security/security.routes.js').then((m) => m.securityRoutes(api, deps)),
  (api, deps) => import('./checks/checks.routes.js').then((m) => m.checksRoutes(api, deps)),
]
