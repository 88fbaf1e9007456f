import { Checkbox, Tooltip, Typography } from 'antd'
import type { Permission } from '../api/types'
import { tOr } from '../i18n'

interface Props {
  permissions: Permission[]
  value?: string[]
  onChange?: (value: string[]) => void
  /** Codes that cannot be chosen here, with the reason shown on hover. */
  locked?: { codes: ReadonlySet<string>; reason: string }
}

export function groupPermissions(permissions: Permission[]): [string, Permission[]][] {
  const groups = new Map<string, Permission[]>()
  for (const p of permissions) {
    const list = groups.get(p.group) ?? []
    list.push(p)
    groups.set(p.group, list)
  }
  return [...groups.entries()]
}

export function permissionGroupName(group: string): string {
  return tOr(`permGroup.${group}`, group)
}

/** Permissions grouped as the catalogue groups them, each group with its own select-all. */
export function PermissionChecklist({ permissions, value = [], onChange, locked }: Props) {
  const selected = new Set(value)
  const set = (codes: string[], on: boolean) => {
    const next = new Set(selected)
    for (const c of codes) {
      if (on) next.add(c)
      else next.delete(c)
    }
    // Keep catalogue order so saved lists diff cleanly.
    onChange?.(permissions.map((p) => p.code).filter((c) => next.has(c)))
  }

  return (
    <div style={{ display: 'grid', gap: 12 }}>
      {groupPermissions(permissions).map(([group, items]) => {
        const free = items.filter((p) => !locked?.codes.has(p.code)).map((p) => p.code)
        const chosen = free.filter((c) => selected.has(c)).length
        return (
          <fieldset key={group} style={{ border: '1px solid #f0f0f0', borderRadius: 6, padding: '8px 12px 10px', margin: 0 }}>
            <legend style={{ padding: '0 6px', fontSize: 13, width: 'auto', marginBottom: 0, border: 0 }}>
              <Checkbox
                checked={free.length > 0 && chosen === free.length}
                indeterminate={chosen > 0 && chosen < free.length}
                disabled={free.length === 0}
                onChange={(e) => set(free, e.target.checked)}
              >
                <Typography.Text strong>{permissionGroupName(group)}</Typography.Text>
              </Checkbox>
            </legend>
            <div style={{ display: 'flex', flexWrap: 'wrap', gap: '6px 16px' }}>
              {items.map((p) => {
                const isLocked = !!locked?.codes.has(p.code)
                const box = (
                  <Checkbox
                    key={p.code}
                    checked={selected.has(p.code)}
                    disabled={isLocked}
                    onChange={(e) => set([p.code], e.target.checked)}
                    aria-label={p.name}
                  >
                    {p.name}
                    <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 4 }}>
                      {p.code}
                    </Typography.Text>
                  </Checkbox>
                )
                return isLocked ? (
                  <Tooltip key={p.code} title={locked?.reason}>
                    {box}
                  </Tooltip>
                ) : (
                  box
                )
              })}
            </div>
          </fieldset>
        )
      })}
    </div>
  )
}
