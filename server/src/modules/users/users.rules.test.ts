import { describe, expect, it } from 'vitest'
import { AppError } from '../../kernel/errors.js'
import { builtinRoles } from '../../kernel/permissions.js'
import { canGrant, normalizeContact } from './users.rules.js'

const role = (code: string) => {
  const r = builtinRoles.find((b) => b.code === code)!
  return { code: r.code, is_builtin: true, permissions: [...r.permissions] }
}
const platformAdminPermissions = new Set(role('platform_admin').permissions)

describe('separation of duties', () => {
  it('lets an administrator hand out editorial roles they do not hold themselves', () => {
    for (const code of ['reporter', 'editor', 'chief_editor', 'department_handler', 'grid_reporter']) {
      expect(canGrant({ permissions: platformAdminPermissions, isPlatformAdmin: false }, role(code)), code).toBe(true)
    }
  })

  it('keeps the security roles for the platform administrator at the root', () => {
    const center = { permissions: platformAdminPermissions, isPlatformAdmin: false }
    const root = { permissions: platformAdminPermissions, isPlatformAdmin: true }
    for (const code of ['security_admin', 'auditor']) {
      expect(canGrant(center, role(code)), code).toBe(false)
      expect(canGrant(root, role(code)), code).toBe(true)
    }
    // The exception is for those two built-in roles only, never a custom look-alike.
    expect(canGrant(root, { ...role('auditor'), is_builtin: false })).toBe(false)
  })

  it('refuses administrative powers the granter lacks, even from a custom role', () => {
    const userOfficer = { permissions: new Set(['user.read', 'user.manage']), isPlatformAdmin: false }
    expect(canGrant(userOfficer, role('platform_admin'))).toBe(false)
    expect(canGrant(userOfficer, { code: 'helper', is_builtin: false, permissions: ['user.manage', 'story.read'] })).toBe(true)
  })
})

describe('contact details', () => {
  it('accepts mainland mobiles, landlines and ordinary addresses; blank clears', () => {
    expect(normalizeContact({ email: ' a.b@news.example.cn ', phone: '+86 13912345678' })).toEqual({ email: 'a.b@news.example.cn', phone: '+86 13912345678' })
    expect(normalizeContact({ phone: '010-12345678-123' }).phone).toBe('010-12345678-123')
    expect(normalizeContact({ email: '', phone: '  ' })).toEqual({ email: null, phone: null })
    const patch: { displayName: string; email?: string | null } = { displayName: 'x' }
    expect(normalizeContact(patch)).toEqual({ displayName: 'x' })
  })

  it('names each bad field', () => {
    try {
      normalizeContact({ email: 'a@b', phone: '23812345678' })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(AppError)
      expect((error as AppError).errors?.map((e) => e.field)).toEqual(['email', 'phone'])
    }
  })
})
