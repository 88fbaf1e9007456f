import { Avatar, Button, Dropdown, Space, Typography } from 'antd'
import type { MenuProps } from 'antd'
import { ApiOutlined, DownOutlined, KeyOutlined, LogoutOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons'
import { useQueryClient } from '@tanstack/react-query'
import { useNavigate } from 'react-router-dom'
import { logout, useMe } from '../api/auth'
import { setCsrfToken } from '../api/client'
import { useFeedback } from '../components/feedback'
import { t } from '../i18n'

export function UserMenu({ compact }: { compact?: boolean }) {
  const { data: me } = useMe()
  const navigate = useNavigate()
  const qc = useQueryClient()
  const feedback = useFeedback()

  const signOut = async () => {
    try {
      await logout()
    } catch {
      // The session may already be gone; signing out locally is what the user asked for anyway.
    }
    setCsrfToken(null)
    qc.clear()
    navigate('/login', { replace: true })
    feedback.success(t('auth.loggedOut'))
  }

  const items: MenuProps['items'] = [
    { key: '/account/password', icon: <KeyOutlined />, label: t('userMenu.password') },
    { key: '/account/totp', icon: <SafetyOutlined />, label: t('userMenu.totp') },
    { key: '/account/tokens', icon: <ApiOutlined />, label: t('userMenu.tokens') },
    { type: 'divider' },
    { key: 'logout', icon: <LogoutOutlined />, label: t('userMenu.logout'), danger: true },
  ]
  const onClick: MenuProps['onClick'] = ({ key }) => {
    if (key === 'logout') void signOut()
    else navigate(key)
  }

  const name = me?.user.displayName ?? ''
  return (
    <Dropdown menu={{ items, onClick }} trigger={['click']} placement="bottomRight">
      <Button type="text" aria-label={t('userMenu.label')} data-testid="user-menu" style={{ height: 40, paddingInline: 8 }}>
        <Space size={8}>
          <Avatar size="small" style={{ backgroundColor: '#1f5fd6' }} icon={name ? undefined : <UserOutlined />}>
            {name.slice(0, 1)}
          </Avatar>
          {!compact && <Typography.Text>{name}</Typography.Text>}
          {!compact && <DownOutlined style={{ fontSize: 10 }} />}
        </Space>
      </Button>
    </Dropdown>
  )
}
