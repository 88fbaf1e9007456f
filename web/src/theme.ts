import type { ThemeConfig } from 'antd'

export const BRAND_RED = '#c8161d'

export const theme: ThemeConfig = {
  token: {
    colorPrimary: '#1f5fd6',
    borderRadius: 6,
    // antd's default secondary grey (45% black) fails WCAG AA contrast; elderly staff read this too.
    colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
    colorTextDescription: 'rgba(0, 0, 0, 0.65)',
    // Same reason for the tertiary grey (descriptions labels) and links (antd derives them from its own blue).
    colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
    colorLink: '#1f5fd6',
    // Fonts Chinese offices actually have, before the generic fallbacks.
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Microsoft YaHei', 'Hiragino Sans GB', 'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  },
  components: {
    Layout: { headerBg: '#ffffff', headerPadding: '0 16px', siderBg: '#001529' },
  },
}
