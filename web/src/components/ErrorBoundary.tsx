import { Component, type ErrorInfo, type ReactNode } from 'react'
import { Button, Result, Typography } from 'antd'
import { t } from '../i18n'

interface Props {
  children: ReactNode
}

interface State {
  error: Error | null
}

/** Keeps one broken page from blanking the whole console; the menu stays usable around it. */
export class ErrorBoundary extends Component<Props, State> {
  state: State = { error: null }

  static getDerivedStateFromError(error: Error): State {
    return { error }
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('Console render error', error, info.componentStack)
  }

  render() {
    if (!this.state.error) return this.props.children
    return (
      <Result
        status="500"
        title={t('errorBoundary.title')}
        subTitle={t('errorBoundary.subtitle')}
        extra={[
          <Button key="retry" onClick={() => this.setState({ error: null })}>
            {t('common.retry')}
          </Button>,
          <Button key="reload" type="primary" onClick={() => window.location.reload()}>
            {t('errorBoundary.reload')}
          </Button>,
        ]}
      >
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
          {this.state.error.message}
        </Typography.Paragraph>
      </Result>
    )
  }
}
