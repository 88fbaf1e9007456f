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
  if (!options.some((o) => o.value === me.tenant.slug || o.value === me.tenant.id)) {
    options.unshift({
      value: me.tenant.slug,
      name: me.tenant.name,
      label: (
        <Space size={6}>
          <TenantKindTag kind={me.tenant.kind} />
          <span>{me.tenant.name}</span>
        </Space>
      ),
    })
  }
  const current = options.find((o) => o.value === me.tenant.id)?.value ?? me.tenant.slug

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
