/** Shapes of the foundation API (docs/api-foundation.md). */

export type TenantKind = 'platform' | 'center' | 'unit'

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

export interface Tenant {
  id: string
  slug: string
  name: string
  kind: TenantKind
  parentId: string | null
  isDisabled: boolean
  createdAt: string
}

export interface Membership {
  id: string
  tenantId: string
  tenantSlug?: string
  tenantName?: string
  tenantKind?: TenantKind
  roleId: string
  roleCode?: string
  roleName?: string
  extendsToDescendants: boolean
}

export interface MeUser {
  id: string
  username: string
  displayName: string
  email: string | null
  phone: string | null
  isDemo: boolean
  totpEnabled: boolean
  passwordExpiresAt: string | null
}

export interface Me {
  user: MeUser
  /** null when the user holds no membership at all (nothing to act in). */
  tenant: Pick<Tenant, 'id' | 'slug' | 'name' | 'kind'> | null
  memberships: Membership[]
  permissions: string[]
  /** null for bearer-token callers; the console always has a session. */
  csrfToken: string | null
  mustEnrolTotp: boolean
  mustChangePassword: boolean
}

export interface LoginReply {
  user: Pick<MeUser, 'id' | 'username' | 'displayName'> & Partial<MeUser>
  csrfToken: string
  mustEnrolTotp: boolean
  mustChangePassword: boolean
}

export interface User {
  id: string
  username: string
  displayName: string
  email: string | null
  phone: string | null
  isDisabled: boolean
  isDemo: boolean
  lockedUntil: string | null
  lastLoginAt: string | null
  createdAt: string
  memberships: Membership[]
  homeTenantId?: string
  totpEnabled?: boolean
  mustChangePassword?: boolean
}

export interface MembershipInput {
  tenantId: string
  roleId: string
  extendsToDescendants: boolean
}

export interface Permission {
  code: string
  group: string
  name: string
}

export interface Role {
  id: string
  tenantId: string | null
  code: string
  name: string
  description: string
  permissions: string[]
  isBuiltin: boolean
  /** Defined by a tenant above the acting one: grantable here, changed only there. */
  isInherited: boolean
}

export type AuditOutcome = 'success' | 'failure' | 'denied'

export interface AuditEntry {
  /** A bigint position in the hash chain, sent as a string. */
  seq: string
  at: string
  tenantId: string | null
  tenantSlug?: string | null
  actorId: string | null
  actorName: string | null
  action: string
  targetType: string | null
  targetId: string | null
  outcome: AuditOutcome
  ip: string | null
  requestId: string | null
  details: unknown
}

export interface AuditVerify {
  ok: boolean
  checked: number
  firstBadSeq: string | null
  reason: string | null
}

export interface SecurityPolicy {
  minLength: number
  requiredClasses: number
  historySize: number
  maxAgeDays: number
  lockoutThreshold: number
  lockoutMinutes: number
  idleTimeoutMinutes: number
  absoluteTimeoutHours: number
}

export interface ApiToken {
  id: string
  name: string
  /** The token's public beginning (rmt_xxxxxxxx), to tell tokens apart. */
  prefix?: string
  scopes: string[]
  tenantId: string
  createdAt: string
  lastUsedAt: string | null
  expiresAt: string | null
  revokedAt: string | null
}

export interface TotpSetup {
  secret: string
  otpauthUrl: string
  qrSvg: string
}
