import { Button, Checkbox, Form, Select, Space, TreeSelect } from 'antd'
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons'
import type { Role } from '../../api/types'
import type { TreeSelectNode } from '../../lib/tenantTree'
import { t } from '../../i18n'
import { roleOptions } from './roleOptions'

interface Props {
  tenantTree: TreeSelectNode[]
  roles: Role[]
}

/** One row per grant: tenant, role, and whether it also covers the tenants below. */
export function MembershipRows({ tenantTree, roles }: Props) {
  return (
    <Form.List
      name="memberships"
      rules={[
        {
          validator: async (_, rows?: unknown[]) => {
            if (!rows || rows.length === 0) throw new Error(t('users.membershipRequired'))
          },
        },
      ]}
    >
      {(fields, { add, remove }, { errors }) => (
        <>
          {fields.map(({ key, name }, index) => (
            <Space key={key} align="start" wrap style={{ display: 'flex', marginBottom: 4 }} data-testid={`membership-row-${index}`}>
              <Form.Item name={[name, 'tenantId']} rules={[{ required: true, message: t('users.tenantRequired') }]} style={{ marginBottom: 8 }}>
                <TreeSelect
                  treeData={tenantTree}
                  treeDefaultExpandAll
                  showSearch={{ treeNodeFilterProp: 'title' }}
                  placeholder={t('users.tenant')}
                  aria-label={t('users.tenantN', { n: index + 1 })}
                  style={{ width: 200 }}
                />
              </Form.Item>
              <Form.Item name={[name, 'roleId']} rules={[{ required: true, message: t('users.roleRequired') }]} style={{ marginBottom: 8 }}>
                <Select
                  options={roleOptions(roles)}
                  placeholder={t('users.role')}
                  aria-label={t('users.roleN', { n: index + 1 })}
                  style={{ width: 170 }}
                  showSearch={{ optionFilterProp: 'label' }}
                />
              </Form.Item>
              <Form.Item name={[name, 'extendsToDescendants']} valuePropName="checked" style={{ marginBottom: 8 }}>
                <Checkbox style={{ marginTop: 5 }}>{t('users.withDescendants')}</Checkbox>
              </Form.Item>
              {fields.length > 1 && (
                <Button
                  type="text"
                  icon={<MinusCircleOutlined />}
                  aria-label={t('users.removeRow', { n: index + 1 })}
                  onClick={() => remove(name)}
                />
              )}
            </Space>
          ))}
          <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ extendsToDescendants: false })} data-testid="membership-add-row">
            {t('users.addMembershipRow')}
          </Button>
          <Form.ErrorList errors={errors} />
        </>
      )}
    </Form.List>
  )
}
