import type { EventHandler } from '../kernel/events.js'

/** Which module reacts to which domain event. Add a subscription here with one line. */
export const subscriptions: Array<[eventType: string, handler: EventHandler]> = [
]

export function handlerMap(): Map<string, EventHandler[]> {
  const map = new Map<string, EventHandler[]>()
  for (const [type, handler] of subscriptions) map.set(type, [...(map.get(type) ?? []), handler])
  return map
}
