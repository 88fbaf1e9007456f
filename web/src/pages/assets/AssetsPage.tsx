import { Tabs } from 'antd'
import { useSearchParams } from 'react-router-dom'
import { PageHeader } from '../../components/PageHeader'
import { t } from '../../i18n'
import { AssetDrawer } from './AssetDrawer'
import { AssetLibrary } from './AssetLibrary'
import { CollectionsPanel } from './CollectionsPanel'
import { MyShares, SharedLibrary } from './SharedLibrary'
import './assets.css'

const tabs = ['library', 'shared', 'myShares', 'collections', 'trash'] as const
type Tab = (typeof tabs)[number]

/**
 * 素材中心: the library (grid or list, search and filters, uploads), the shared library, the
 * tenant's own shares, collections for the public archive, and the trash. The open asset and the
 * tab live in the address (`?tab=…&asset=…`), so a link or the back button brings them back.
 */
export function AssetsPage() {
  const [params, setParams] = useSearchParams()
  const tab: Tab = tabs.includes(params.get('tab') as Tab) ? (params.get('tab') as Tab) : 'library'
  const openId = params.get('asset')

  const update = (change: Record<string, string | null>) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev)
      for (const [k, v] of Object.entries(change)) {
        if (v === null) next.delete(k)
        else next.set(k, v)
      }
      return next
    })
  const open = (id: string) => update({ asset: id })

  return (
    <>
      <PageHeader title={t('nav.assets')} description={t('assets.description')} />
      <Tabs
        activeKey={tab}
        onChange={(key) => update({ tab: key === 'library' ? null : key, asset: null })}
        destroyOnHidden
        items={[
          { key: 'library', label: t('assets.tab.library'), children: <AssetLibrary onOpen={open} /> },
          { key: 'shared', label: t('assets.tab.shared'), children: <SharedLibrary /> },
          { key: 'myShares', label: t('assets.tab.myShares'), children: <MyShares onOpen={open} /> },
          { key: 'collections', label: t('assets.tab.collections'), children: <CollectionsPanel /> },
          { key: 'trash', label: t('assets.tab.trash'), children: <AssetLibrary onOpen={open} isTrash /> },
        ]}
      />
      <AssetDrawer id={openId} onClose={() => update({ asset: null })} onOpen={open} />
    </>
  )
}
