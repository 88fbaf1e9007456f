import { App } from 'antd'
import { errorMessage } from '../api/client'

/** Toasts for mutations: one place decides how successes and failures read. */
export function useFeedback() {
  const { message } = App.useApp()
  return {
    success: (text: string) => void message.success(text),
    error: (err: unknown) => void message.error(errorMessage(err)),
    info: (text: string) => void message.info(text),
  }
}
