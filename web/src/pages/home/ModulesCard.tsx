import { Card, Col, Row, Tag, Typography } from 'antd'
import { Link } from 'react-router-dom'
import { t, type MessageKey } from '../../i18n'

/** `path` marks a module that is live; the others are on the roadmap. */
const modules: { name: MessageKey; hint: MessageKey; path?: string }[] = [
  { name: 'nav.planning', hint: 'home.module.planning' },
  { name: 'nav.leads', hint: 'home.module.leads' },
  { name: 'nav.stories', hint: 'home.module.stories', path: '/stories' },
  { name: 'nav.review', hint: 'home.module.review', path: '/review' },
  { name: 'nav.publishing', hint: 'home.module.publishing' },
  { name: 'nav.assets', hint: 'home.module.assets' },
  { name: 'nav.interaction', hint: 'home.module.interaction' },
  { name: 'nav.analytics', hint: 'home.module.analytics' },
  { name: 'nav.governance', hint: 'home.module.governance' },
]

/** What the platform will offer, so the first users know where it is heading. */
export function ModulesCard() {
  return (
    <Card title={t('home.modules')} extra={<Typography.Text type="secondary">{t('home.modulesHint')}</Typography.Text>}>
      <Row gutter={[12, 12]}>
        {modules.map((m) => (
          <Col key={m.name} xs={24} sm={12} xl={8}>
            <div style={{ border: '1px solid #f0f0f0', borderRadius: 8, padding: '12px 14px', height: '100%', boxSizing: 'border-box' }}>
              <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 4 }}>
                {m.path ? <Link to={m.path}><Typography.Text strong>{t(m.name)}</Typography.Text></Link> : <Typography.Text strong>{t(m.name)}</Typography.Text>}
                {m.path ? <Tag color="green" style={{ marginInlineEnd: 0 }}>{t('nav.live')}</Tag> : <Tag style={{ marginInlineEnd: 0 }}>{t('nav.soon')}</Tag>}
              </div>
              <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                {t(m.hint)}
              </Typography.Text>
            </div>
          </Col>
        ))}
      </Row>
    </Card>
  )
}
