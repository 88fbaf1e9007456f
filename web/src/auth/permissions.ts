import { useMe } from '../api/auth'

/** Permission checks against the acting tenant; false while /me is loading so nothing flashes. */
export function usePermissions() {
  const { data } = useMe()
  const granted = new Set(data?.permissions ?? [])
  return {
    can: (code: string) => granted.has(code),
    canAny: (codes: readonly string[]) => codes.some((c) => granted.has(c)),
  }
}
