import type { ReactNode } from 'react'
import { useMe } from '../api/auth'
import { ForbiddenPage } from '../pages/errors/ForbiddenPage'

interface Props {
  /** Any one of these grants access. */
  anyOf: readonly string[]
  children: ReactNode
}

/** Route guard; the server enforces the same rule, this only spares people a page of errors. */
export function RequirePermission({ anyOf, children }: Props) {
  const { data: me } = useMe()
  const granted = me?.permissions ?? []
  if (!anyOf.some((code) => granted.includes(code))) return <ForbiddenPage />
  return <>{children}</>
}
