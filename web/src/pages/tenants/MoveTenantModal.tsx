import { useMemo } from 'react'
import { Alert, Form, Modal, TreeSelect } from 'antd'
import { useUpdateTenant } from '../../api/tenants'
import type { Tenant } from '../../api/types'
import { useFeedback } from '../../components/feedback'
import { buildTenantTree, subtreeIds, toTreeSelect } from '../../lib/tenantTree'
import { t } from '../../i18n'

interface Props {
  open: boolean
  tenant: Tenant
  tenants: Tenant[]
  onClose: () => void
}

export function MoveTenantModal({ open, tenant, tenants, onClose }: Props) {
  const [form] = Form.useForm<{ parentId: string }>()
  const update = useUpdateTenant()
  const feedback = useFeedback()
  // Moving under itself or its own descendants would cut the subtree loose from the tree.
  const treeData = useMemo(() => {
    const blocked = subtreeIds(tenants, tenant.id)
    return toTreeSelect(buildTenantTree(tenants), (n) => blocked.has(n.id))
  }, [tenants, tenant.id])

  const submit = async () => {
    const values = await form.validateFields().catch(() => null)
    if (!values) return // the form shows what is missing
    const { parentId } = values
    if (parentId === tenant.parentId) return onClose()
    try {
      await update.mutateAsync({ id: tenant.id, parentId })
      feedback.success(t('tenants.movedOk', { name: tenant.name }))
      onClose()
    } catch (err) {
      feedback.error(err)
    }
  }

  return (
    <Modal
      open={open}
      title={t('tenants.moveTitle', { name: tenant.name })}
      onCancel={onClose}
      onOk={submit}
      okText={t('tenants.move')}
      confirmLoading={update.isPending}
      destroyOnHidden
    >
      <Alert type="info" showIcon title={t('tenants.moveHint')} style={{ marginBottom: 16 }} />
      <Form form={form} layout="vertical" name="tenant-move" initialValues={{ parentId: tenant.parentId ?? undefined }}>
        <Form.Item name="parentId" label={t('tenants.newParent')} rules={[{ required: true, message: t('tenants.newParentRequired') }]}>
          <TreeSelect treeData={treeData} treeDefaultExpandAll showSearch={{ treeNodeFilterProp: 'title' }} placeholder={t('tenants.newParentRequired')} />
        </Form.Item>
      </Form>
    </Modal>
  )
}
