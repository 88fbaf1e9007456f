import { Grid } from 'antd'

/**
 * Whether tables may pin columns. On a phone, pinned left and right columns would eat the whole
 * width and leave nothing to scroll, so they scroll with the rest.
 */
export function useCanPinColumns(): boolean {
  const screens = Grid.useBreakpoint()
  return screens.md !== false
}
