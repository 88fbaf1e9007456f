/**
 * The acting tenant chosen in the tenant switcher. It is remembered per user so that the next
 * person signing in on a shared office computer does not inherit someone else's tenant.
 */
const STORAGE_KEY = 'rongmei.tenant'

interface Stored {
  userId: string
  slug: string
}

function read(): Stored | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY)
    if (!raw) return null
    const value = JSON.parse(raw) as Partial<Stored>
    return typeof value.slug === 'string' && typeof value.userId === 'string' ? (value as Stored) : null
  } catch {
    return null
  }
}

export function getTenantSlug(): string | null {
  return read()?.slug ?? null
}

export function setTenantSlug(userId: string, slug: string): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify({ userId, slug } satisfies Stored))
}

export function clearTenantSlug(): void {
  localStorage.removeItem(STORAGE_KEY)
}

/** Forgets the stored tenant when it belongs to a different user than the one signing in. */
export function keepTenantOnlyFor(userId: string): void {
  const stored = read()
  if (stored && stored.userId !== userId) clearTenantSlug()
}
