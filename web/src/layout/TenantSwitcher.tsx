import { Select, Space } from 'antd'
import { useQueryClient } from '@tanstack/react-query'
import { useMe } from '../api/auth'
import { setTenantSlug } from '../api/tenantStore'
import { TenantKindTag } from '../components/TenantKindTag'
import { useFeedback } from '../components/feedback'
import { t } from '../i18n'

/** Picks the acting tenant (X-Tenant); every cached list belonged to the old one, so all reload. */
export function TenantSwitcher({ compact }: { compact?: boolean }) {
  const { data: me } = useMe()
  const qc = useQueryClient()
  const feedback = useFeedback()
  if (!me) return null

  const seen = new Set<string>()
  const options = me.memberships
    .filter((m) => (seen.has(m.tenantId) ? false : (seen.add(m.tenantId), true)))
    .map((m) => ({
      value: m.tenantSlug ?? m.tenantId,
      name: m.tenantName ?? m.tenantSlug ?? m.tenantId,
      label: (
        <Space size={6}>
          <TenantKindTag kind={m.tenantKind} />
          <span>{m.tenantName ?? m.tenantSlug}</span>
        </Space>
      ),
    }))
  const acting = me.tenant
  if (acting && !options.some((o) => o.value === acting.slug || o.value === acting.id)) {
    options.unshift({
      value: acting.slug,
      name: acting.name,
      label: (
        <Space size={6}>
          <TenantKindTag kind={acting.kind} />
          <span>{acting.name}</span>
        </Space>
      ),
    })
  }
  if (options.length === 0) return null
  const current = acting ? (options.find((o) => o.value === acting.id)?.value ?? acting.slug) : undefined

  const onChange = async (value: string) => {
    setTenantSlug(me.user.id, value)
    await qc.resetQueries()
    feedback.success(t('tenantSwitcher.switched', { name: options.find((o) => o.value === value)?.name ?? value }))
  }

  return (
    <Select
      aria-label={t('tenantSwitcher.label')}
      data-testid="tenant-switcher"
      value={current}
      options={options}
      onChange={onChange}
      showSearch={{ optionFilterProp: 'name' }}
      popupMatchSelectWidth={false}
      style={{ width: compact ? 150 : 240 }}
      variant="filled"
    />
  )
}
