import type { FastifyInstance } from 'fastify'
import { expect } from 'vitest'
import type { Database } from '../../src/db/database.js'
import { inScope, systemScope } from '../../src/db/scope.js'
import { tokenHash } from '../../src/kernel/secrets.js'
import { totpCode } from '../../src/modules/identity/totp.js'
import { signIn, type Client } from '../harness.js'

export const NEW_PASSWORD = 'Fresh-Pass-2026!'

export interface Activated {
  client: Client
  userId: string
  password: string
  /** The TOTP secret when the account's roles required two-factor enrolment. */
  totpSecret?: string
}

/**
 * Invites a user through the API as `inviter` (so the real rules run) and returns the reply.
 * @example const { user, temporaryPassword } = await invite(admin, { username: 'x', memberships: [{ tenantId, roleId }] })
 */
export async function invite(inviter: Client, body: { username: string; displayName?: string; memberships: Array<{ tenantId: string; roleId: string; extendsToDescendants?: boolean }> }) {
  const res = await inviter.post('/api/v1/users', { displayName: body.username, ...body })
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { user: { id: string; username: string }; temporaryPassword: string }
}

/**
 * Takes an invited account through its first sign-in the way a person would: sign in with the
 * temporary password, choose a new one, and enrol two-factor when the roles require it.
 * @returns a client whose session is no longer restricted.
 */
export async function activate(app: FastifyInstance, { username, temporaryPassword, password = NEW_PASSWORD }: {
  username: string; temporaryPassword: string; password?: string
}): Promise<Activated> {
  const client = await signIn(app, username, { password: temporaryPassword })
  const changed = await client.post('/api/v1/auth/password', { currentPassword: temporaryPassword, newPassword: password })
  expect(changed.statusCode, changed.body).toBe(204)
  const me = (await client.get('/api/v1/me')).json()
  let totpSecret: string | undefined
  if (me.mustEnrolTotp) {
    const setup = await client.post('/api/v1/auth/totp/setup')
    expect(setup.statusCode, setup.body).toBe(200)
    totpSecret = setup.json().secret as string
    const enabled = await client.post('/api/v1/auth/totp/enable', { otp: totpCode(totpSecret) })
    expect(enabled.statusCode, enabled.body).toBe(204)
  }
  return { client, userId: me.user.id, password, totpSecret }
}

/** The session id (as stored) behind a client's cookie. */
export function sessionIdOf(client: Client): string {
  return tokenHash(client.cookie.replace(/^rongmei_session=/, ''))
}

/** Ids of the built-in roles by code. */
export async function builtinRoleIds(db: Database): Promise<Record<string, string>> {
  const rows = await inScope(db, systemScope, (trx) => trx.selectFrom('roles').select(['id', 'code']).where('tenant_id', 'is', null).execute())
  return Object.fromEntries(rows.map((r) => [r.code, r.id]))
}

/** A user's id by username. */
export async function userIdOf(db: Database, username: string): Promise<string> {
  const row = await inScope(db, systemScope, (trx) => trx.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow())
  return row.id
}
