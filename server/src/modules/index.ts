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
  (api, deps) => import('./stories/stories.routes.js').then((m) => m.storiesRoutes(api, deps)),
  (api, deps) => import('./assets/assets.routes.js').then((m) => m.assetsRoutes(api, deps)),
  (api, deps) => import('./review/review.routes.js').then((m) => m.reviewRoutes(api, deps)),
  (api, deps) => import('./calendar/calendar.routes.js').then((m) => m.calendarRoutes(api, deps)),
  (api, deps) => import('./faq/faq.routes.js').then((m) => m.faqRoutes(api, deps)),
  (api, deps) => import('./tickets/tickets.routes.js').then((m) => m.ticketsRoutes(api, deps)),
  (api, deps) => import('./assets/ticket-attachments.js').then((m) => m.ticketAttachmentRoutes(api, deps)),
  (api, deps) => import('./tickets/kpis.routes.js').then((m) => m.ticketKpiRoutes(api, deps)),
  (api, deps) => import('./open311/open311.keys.routes.js').then((m) => m.open311KeyRoutes(api, deps)),
  (api, deps) => import('./publishing/publishing.routes.js').then((m) => m.publishingRoutes(api, deps)),
]

/**
 * Routes outside /api/v1, registered at the root: public pages and files (the asset archive,
 * public renditions, signed links). They declare no access level; each guards itself.
 */
export const siteRoutes: ModuleRoutes[] = [
  (app, deps) => import('./assets/assets.site.js').then((m) => m.assetSiteRoutes(app, deps)),
  (app, deps) => import('./open311/open311.routes.js').then((m) => m.open311Routes(app, deps)),
  (app, deps) => import('./tickets/tickets.site.js').then((m) => m.ticketSiteRoutes(app, deps)),
  (app, deps) => import('./site/site.routes.js').then((m) => m.siteRoutes(app, deps)),
]
