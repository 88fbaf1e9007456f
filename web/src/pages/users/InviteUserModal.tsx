import { Alert, Col, Form, Input, Modal, Row } from 'antd'
import { ApiError } from '../../api/client'
import type { MembershipInput, Role } from '../../api/types'
import { useInviteUser } from '../../api/users'
import { useFeedback } from '../../components/feedback'
import type { TreeSelectNode } from '../../lib/tenantTree'
import { t } from '../../i18n'
import { MembershipRows } from './MembershipRows'

interface Values {
  username: string
  displayName: string
  email?: string
  phone?: string
  memberships: MembershipInput[]
}

interface Props {
  open: boolean
  tenantTree: TreeSelectNode[]
  roles: Role[]
  onClose: () => void
  onInvited: (username: string, temporaryPassword: string) => void
}

const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,62}$/
const PHONE_PATTERN = /^[0-9+\-\s()]{5,20}$/

export function InviteUserModal({ open, tenantTree, roles, onClose, onInvited }: Props) {
  const [form] = Form.useForm<Values>()
  const invite = useInviteUser()
  const feedback = useFeedback()

  const submit = async () => {
    const values = await form.validateFields().catch(() => null)
    if (!values) return // the form shows what is missing
    try {
      const reply = await invite.mutateAsync({
        username: values.username,
        displayName: values.displayName.trim(),
        email: values.email?.trim() || undefined,
        phone: values.phone?.trim() || undefined,
        memberships: values.memberships.map((m) => ({ ...m, extendsToDescendants: !!m.extendsToDescendants })),
      })
      onInvited(reply.user.username, reply.temporaryPassword)
    } catch (err) {
      const byField = err instanceof ApiError ? err.fieldErrors : {}
      const fields = (['username', 'displayName', 'email', 'phone'] as const).filter((f) => byField[f])
      if (fields.length) form.setFields(fields.map((name) => ({ name, errors: byField[name] })))
      else if (err instanceof ApiError && err.status === 409) form.setFields([{ name: 'username', errors: [err.message] }])
      else feedback.error(err)
    }
  }

  return (
    <Modal
      open={open}
      title={t('users.invite')}
      onCancel={onClose}
      onOk={submit}
      okText={t('users.inviteOk')}
      confirmLoading={invite.isPending}
      width={720}
      destroyOnHidden
    >
      <Alert type="info" showIcon title={t('users.inviteHint')} style={{ marginBottom: 16 }} />
      <Form<Values>
        form={form}
        layout="vertical"
        requiredMark="optional"
        name="invite-user"
        initialValues={{ memberships: [{ extendsToDescendants: false }] }}
      >
        <Row gutter={16}>
          <Col xs={24} sm={12}>
            <Form.Item
              name="username"
              label={t('users.username')}
              extra={t('users.usernameHint')}
              normalize={(v: string) => v?.toLowerCase().trim()}
              rules={[
                { required: true, message: t('users.usernameRequired') },
                { pattern: USERNAME_PATTERN, message: t('users.usernameInvalid') },
              ]}
            >
              <Input maxLength={63} autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="displayName" label={t('users.displayName')} rules={[{ required: true, whitespace: true, max: 100, message: t('users.displayNameRequired') }]}>
              <Input maxLength={100} autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="email" label={t('users.email')} rules={[{ type: 'email', message: t('users.emailInvalid') }]}>
              <Input autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="phone" label={t('users.phone')} rules={[{ pattern: PHONE_PATTERN, message: t('users.phoneInvalid') }]}>
              <Input autoComplete="off" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label={t('users.memberships')} required extra={t('users.membershipsHint')} style={{ marginBottom: 0 }}>
          <MembershipRows tenantTree={tenantTree} roles={roles} />
        </Form.Item>
      </Form>
    </Modal>
  )
}
