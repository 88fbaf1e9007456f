import { Button, Checkbox, Drawer, Empty, Form, List, Popconfirm, Select, Space, Tag, TreeSelect, Typography } from 'antd'
import { PlusOutlined } from '@ant-design/icons'
import type { MembershipInput, Role, Tenant, User } from '../../api/types'
import { useAddMembership, useRemoveMembership } from '../../api/users'
import { useFeedback } from '../../components/feedback'
import type { TreeSelectNode } from '../../lib/tenantTree'
import { t } from '../../i18n'
import { roleOptions } from './roleOptions'
import { membershipLabel } from './userColumns'

interface Props {
  user: User | null
  tenants: Tenant[]
  tenantTree: TreeSelectNode[]
  roles: Role[]
  onClose: () => void
}

/** Grants of one user: remove any, add more. Each change is its own audited call. */
export function MembershipsDrawer({ user, tenants, tenantTree, roles, onClose }: Props) {
  const [form] = Form.useForm<MembershipInput>()
  const add = useAddMembership()
  const remove = useRemoveMembership()
  const feedback = useFeedback()

  const onAdd = async (values: MembershipInput) => {
    if (!user) return
    try {
      await add.mutateAsync({ userId: user.id, ...values, extendsToDescendants: !!values.extendsToDescendants })
      form.resetFields()
      feedback.success(t('users.membershipAdded'))
    } catch (err) {
      feedback.error(err)
    }
  }

  const onRemove = (membershipId: string) =>
    user &&
    remove.mutateAsync({ userId: user.id, membershipId }).then(
      () => feedback.success(t('users.membershipRemoved')),
      (err: unknown) => feedback.error(err),
    )

  return (
    <Drawer
      open={user !== null}
      onClose={onClose}
      title={t('users.membershipsTitle', { name: user?.displayName ?? '' })}
      size={Math.min(520, window.innerWidth)}
      destroyOnHidden
    >
      {user && (
        <Space orientation="vertical" size={24} style={{ width: '100%' }}>
          <List
            bordered
            dataSource={user.memberships}
            locale={{ emptyText: <Empty description={t('users.noMembershipsHint')} /> }}
            renderItem={(m) => (
              <List.Item
                actions={[
                  <Popconfirm
                    key="remove"
                    title={t('users.removeMembershipConfirm')}
                    description={membershipLabel(m, tenants, roles)}
                    okButtonProps={{ danger: true }}
                    onConfirm={() => onRemove(m.id)}
                  >
                    <Button type="link" danger size="small">
                      {t('common.remove')}
                    </Button>
                  </Popconfirm>,
                ]}
              >
                <Space wrap size={4}>
                  <span>{membershipLabel(m, tenants, roles)}</span>
                  {m.extendsToDescendants && <Tag color="blue">{t('users.withDescendants')}</Tag>}
                </Space>
              </List.Item>
            )}
          />
          <div>
            <Typography.Title level={5}>{t('users.addMembership')}</Typography.Title>
            <Form<MembershipInput> form={form} layout="vertical" onFinish={onAdd} name="add-membership" initialValues={{ extendsToDescendants: false }}>
              <Form.Item name="tenantId" label={t('users.tenant')} rules={[{ required: true, message: t('users.tenantRequired') }]}>
                <TreeSelect treeData={tenantTree} treeDefaultExpandAll showSearch={{ treeNodeFilterProp: 'title' }} />
              </Form.Item>
              <Form.Item name="roleId" label={t('users.role')} rules={[{ required: true, message: t('users.roleRequired') }]}>
                <Select options={roleOptions(roles)} showSearch={{ optionFilterProp: 'label' }} />
              </Form.Item>
              <Form.Item name="extendsToDescendants" valuePropName="checked" extra={t('users.withDescendantsHint')}>
                <Checkbox>{t('users.withDescendants')}</Checkbox>
              </Form.Item>
              <Button type="primary" htmlType="submit" icon={<PlusOutlined />} loading={add.isPending}>
                {t('users.addMembership')}
              </Button>
            </Form>
          </div>
        </Space>
      )}
    </Drawer>
  )
}
