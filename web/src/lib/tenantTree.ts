import type { Tenant } from '../api/types'

export interface TenantNode extends Tenant {
  children: TenantNode[]
}

const kindOrder = { platform: 0, center: 1, unit: 2 } as const

/**
 * Builds the tree from parentId. A caller may see only a subtree, so a tenant whose parent is not
 * in the list becomes a root rather than disappearing.
 */
export function buildTenantTree(tenants: Tenant[]): TenantNode[] {
  const nodes = new Map<string, TenantNode>(tenants.map((t) => [t.id, { ...t, children: [] }]))
  const roots: TenantNode[] = []
  for (const node of nodes.values()) {
    const parent = node.parentId ? nodes.get(node.parentId) : undefined
    if (parent) parent.children.push(node)
    else roots.push(node)
  }
  const sort = (list: TenantNode[]) => {
    list.sort((a, b) => kindOrder[a.kind] - kindOrder[b.kind] || a.name.localeCompare(b.name, 'zh-CN'))
    for (const n of list) sort(n.children)
  }
  sort(roots)
  return roots
}

/** The ids of `id` and everything below it: a tenant cannot move under its own subtree. */
export function subtreeIds(tenants: Tenant[], id: string): Set<string> {
  const childrenOf = new Map<string, string[]>()
  for (const t of tenants) {
    if (!t.parentId) continue
    childrenOf.set(t.parentId, [...(childrenOf.get(t.parentId) ?? []), t.id])
  }
  const out = new Set<string>()
  const stack = [id]
  while (stack.length) {
    const next = stack.pop() as string
    if (out.has(next)) continue
    out.add(next)
    stack.push(...(childrenOf.get(next) ?? []))
  }
  return out
}

/** Names from the root down to `id`, for breadcrumbs and hints. */
export function tenantPath(tenants: Tenant[], id: string): Tenant[] {
  const byId = new Map(tenants.map((t) => [t.id, t]))
  const path: Tenant[] = []
  let cursor = byId.get(id)
  while (cursor && path.length < 64) {
    path.unshift(cursor)
    cursor = cursor.parentId ? byId.get(cursor.parentId) : undefined
  }
  return path
}

export interface TreeSelectNode {
  value: string
  title: string
  disabled?: boolean
  children?: TreeSelectNode[]
}

/** Tree data for a TreeSelect; `isDisabled` decides which nodes cannot be picked. */
export function toTreeSelect(nodes: TenantNode[], isDisabled: (t: TenantNode) => boolean = () => false): TreeSelectNode[] {
  return nodes.map((n) => ({
    value: n.id,
    title: n.name,
    disabled: isDisabled(n),
    children: n.children.length ? toTreeSelect(n.children, isDisabled) : undefined,
  }))
}
