import type { ReactNode } from 'react'
import { Typography } from 'antd'

interface Props {
  title: ReactNode
  description?: ReactNode
  extra?: ReactNode
}

export function PageHeader({ title, description, extra }: Props) {
  return (
    <div className="rm-page-header">
      <div>
        <h1>{title}</h1>
        {description && (
          <Typography.Text type="secondary" style={{ display: 'block', marginTop: 4 }}>
            {description}
          </Typography.Text>
        )}
      </div>
      {extra && <div className="rm-toolbar" style={{ margin: 0 }}>{extra}</div>}
    </div>
  )
}
