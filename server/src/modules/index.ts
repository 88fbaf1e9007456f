import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../app.js'

/** A module's HTTP routes, registered under /api/v1 with the shared dependencies. */
export type ModuleRoutes = (api: FastifyInstance, deps: AppDeps) => Promise<void>

/** Every module's routes, in registration order. Add a module here with one line. */
export const moduleRoutes: ModuleRoutes[] = [
]
