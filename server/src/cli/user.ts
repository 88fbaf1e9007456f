import type { CliCommand } from './index.js'
import { loadConfig } from '../config.js'
import type { Database } from '../db/database.js'
import { openReadyDatabase } from '../db/open.js'
import { AppError } from '../kernel/errors.js'
import { operatorContext, resolveTenantRole, userIdByUsername } from '../modules/users/users.operator.js'
import { createUsersService } from '../modules/users/users.service.js'

/**
 * `rongmei user create|reset-password|add-role`: the same service functions as the HTTP API,
 * run by the operator of the machine (audited as actor 'cli'). Each returns the lines it prints,
 * so tests call them on a test database.
 */

export interface RoleOptions {
  tenant: string
  role: string
  extends?: boolean
}

async function explained<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    // Service refusals carry a stable code; show it with the message instead of a stack trace.
    if (error instanceof AppError) throw new Error(`${error.code}: ${error.message}`)
    throw error
  }
}

/** Creates a user holding one role; prints the temporary password (shown once). */
export function createUserAction(db: Database, username: string, options: RoleOptions & { displayName?: string }): Promise<string[]> {
  return explained(async () => {
    const acting = await operatorContext(db)
    const { tenantId, roleId } = await resolveTenantRole(db, acting, { tenantSlug: options.tenant, roleCode: options.role })
    const created = await createUsersService({ db }).createUser(acting, {
      username, displayName: options.displayName ?? username,
      memberships: [{ tenantId, roleId, extendsToDescendants: Boolean(options.extends) }],
    })
    return [
      `Created user ${created.user.username} with role ${options.role} at ${options.tenant}${options.extends ? ' and below' : ''}.`,
      `Temporary password (shown once; must be changed at first sign-in): ${created.temporaryPassword}`,
    ]
  })
}

/** Gives a user a new temporary password and ends their sessions. */
export function resetPasswordAction(db: Database, username: string): Promise<string[]> {
  return explained(async () => {
    const acting = await operatorContext(db)
    const userId = await userIdByUsername(db, acting, username)
    const { temporaryPassword } = await createUsersService({ db }).resetPassword(acting, userId)
    return [
      `Password of ${username} reset; their sessions have ended.`,
      `Temporary password (shown once; must be changed at first sign-in): ${temporaryPassword}`,
    ]
  })
}

/** Grants one more role to an existing user. */
export function addRoleAction(db: Database, username: string, options: RoleOptions): Promise<string[]> {
  return explained(async () => {
    const acting = await operatorContext(db)
    const userId = await userIdByUsername(db, acting, username)
    const { tenantId, roleId } = await resolveTenantRole(db, acting, { tenantSlug: options.tenant, roleCode: options.role })
    await createUsersService({ db }).addMembership(acting, userId, { tenantId, roleId, extendsToDescendants: Boolean(options.extends) })
    return [`Granted ${options.role} at ${options.tenant}${options.extends ? ' and below' : ''} to ${username}.`]
  })
}

async function withDatabase(work: (db: Database) => Promise<string[]>): Promise<void> {
  const db = await openReadyDatabase(loadConfig())
  try {
    for (const line of await work(db)) console.log(line)
  } finally {
    await db.close()
  }
}

export const userCommand: CliCommand = (program) => {
  const user = program.command('user').description('create users, reset passwords and grant roles from the command line')
  user.command('create <username>').description('create a user with one role and print a temporary password')
    .requiredOption('--tenant <slug>', 'tenant where the role is held')
    .requiredOption('--role <code>', 'role code, e.g. platform_admin or reporter')
    .option('--display-name <name>', 'name shown in the console (default: the username)')
    .option('--extends', 'the role also applies to every tenant below')
    .action((username: string, options: RoleOptions & { displayName?: string }) => withDatabase((db) => createUserAction(db, username, options)))
  user.command('reset-password <username>').description('print a new temporary password and end the user\'s sessions')
    .action((username: string) => withDatabase((db) => resetPasswordAction(db, username)))
  user.command('add-role <username>').description('grant a role at a tenant')
    .requiredOption('--tenant <slug>', 'tenant where the role is held')
    .requiredOption('--role <code>', 'role code')
    .option('--extends', 'the role also applies to every tenant below')
    .action((username: string, options: RoleOptions) => withDatabase((db) => addRoleAction(db, username, options)))
}
