import { t } from '../i18n'

export function Brand({ collapsed, dark }: { collapsed?: boolean; dark?: boolean }) {
  return (
    <div className="rm-brand" style={{ color: dark ? '#fff' : 'rgba(0,0,0,0.88)', fontSize: 17 }}>
      <span className="rm-brand-mark" aria-hidden>
        {t('app.mark')}
      </span>
      {!collapsed && <span>{t('app.name')}</span>}
    </div>
  )
}
