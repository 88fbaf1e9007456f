import type { Role } from '../../api/types'
import { t } from '../../i18n'

/** Role choices grouped as built-in and custom, the way administrators think of them. */
export function roleOptions(roles: Role[]) {
  const toOption = (r: Role) => ({ value: r.id, label: r.name, title: r.description || r.name })
  const builtin = roles.filter((r) => r.isBuiltin).map(toOption)
  const custom = roles.filter((r) => !r.isBuiltin).map(toOption)
  return [
    { label: t('roles.builtin'), title: 'builtin', options: builtin },
    ...(custom.length ? [{ label: t('roles.custom'), title: 'custom', options: custom }] : []),
  ]
}
