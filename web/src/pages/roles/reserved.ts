/**
 * Mirrors the server's reservedPermissions: separation of duties (三员分立) keeps these in the
 * built-in security roles only, so the form does not offer them for custom roles.
 */
export const reservedPermissions: ReadonlySet<string> = new Set(['audit.read', 'audit.export', 'security.policy.manage', 'role.manage'])
