import type { TicketKind, TicketState } from '../../db/schema.js'

export type { TicketKind, TicketState } from '../../db/schema.js'

/** The kinds of message on the form, with the names citizens know them by. */
export const kindNames: Record<TicketKind, string> = {
  consultation: '咨询', help: '求助', complaint: '投诉', suggestion: '建议', report: '举报', praise: '表扬',
}
export const ticketKinds = Object.keys(kindNames) as TicketKind[]

export const stateNames: Record<TicketState, string> = {
  submitted: '已提交，待审核', accepted: '已受理，待转办', rejected: '不予受理', routed: '已转办，待签收',
  signed_for: '已签收', in_progress: '办理中', returned: '部门退回，待重新分办', reply_review: '答复审核中',
  replied: '已答复', closed: '已办结', merged: '已并入其他留言',
}

/** States in which a department still owes the citizen an answer: the clocks run. */
export const handlingStates: readonly TicketState[] = ['submitted', 'accepted', 'returned', 'routed', 'signed_for', 'in_progress']

/** States Open311 reports as `closed`: answered, finished or not taken on. */
export const closedStates: readonly TicketState[] = ['replied', 'closed', 'rejected', 'merged']

export function isHandling(state: TicketState): boolean {
  return handlingStates.includes(state)
}

export interface ClockDays {
  /** Working days for the lead department to sign for the ticket (签收), counted from routing. */
  signFor: number
  /** Working days to the first response (first progress note or reply), counted from submission. */
  firstResponse: number
  /** Working days to the final reply (答复), counted from submission. */
  final: number
}

/** A center's rules for its messages; stored per center, absent keys take these defaults. */
export interface TicketSettings {
  /** 先审后发: replies wait for a reviewer (ticket.reply.review) before the public sees them. */
  isReplyReviewRequired: boolean
  /** How often an unsatisfied rating may send a ticket back to the department (回退重办). */
  reopenLimit: number
  clocks: Record<TicketKind | 'urgent', ClockDays>
  /** Reminder this many hours before the final deadline. */
  reminderLeadHours: number
  /** Escalation to the department head and the center this many working days after 催办. */
  escalationDelayWorkingDays: number
  /** A published reply nobody rated closes itself after this many working days. */
  autoCloseWorkingDays: number
  /** The same phone sending near-identical text within this window gets 409 and the first lookup code. */
  duplicateWindowMinutes: number
  /** Duplicate suggestions look this far back. */
  similarWindowDays: number
  /** Messages one phone number may submit per day. */
  phoneDailyLimit: number
  /** Ask for an SMS code before accepting a message from the public form. */
  isPhoneVerificationRequired: boolean
  consentText: string
  consentVersion: string
}

export const defaultSettings: TicketSettings = {
  isReplyReviewRequired: true,
  reopenLimit: 1,
  clocks: {
    urgent: { signFor: 0, firstResponse: 0, final: 0 },
    consultation: { signFor: 1, firstResponse: 1, final: 3 },
    help: { signFor: 1, firstResponse: 1, final: 3 },
    complaint: { signFor: 1, firstResponse: 2, final: 13 },
    suggestion: { signFor: 1, firstResponse: 2, final: 13 },
    report: { signFor: 1, firstResponse: 2, final: 13 },
    praise: { signFor: 1, firstResponse: 2, final: 5 },
  },
  reminderLeadHours: 24,
  escalationDelayWorkingDays: 5,
  autoCloseWorkingDays: 7,
  duplicateWindowMinutes: 10,
  similarWindowDays: 30,
  phoneDailyLimit: 5,
  isPhoneVerificationRequired: false,
  consentText: '我已阅读并同意：本平台将依法收集和使用我提交的姓名、电话和留言内容，仅用于办理本留言；公开答复时个人信息将做脱敏处理。',
  consentVersion: '2026-01',
}

/** The longest clock the settings allow, in working days (bounds the calendar a computation loads). */
export const MAX_CLOCK_DAYS = 60
export const MAX_EXTENSION_DAYS = 60

/** Stored settings over the defaults, key by key (clocks kind by kind). */
export function mergeSettings(stored: Record<string, unknown> | null | undefined): TicketSettings {
  const s = (stored ?? {}) as Partial<TicketSettings>
  const clocks = { ...defaultSettings.clocks }
  for (const key of Object.keys(clocks) as Array<keyof TicketSettings['clocks']>) {
    clocks[key] = { ...defaultSettings.clocks[key], ...(s.clocks?.[key] ?? {}) }
  }
  return { ...defaultSettings, ...s, clocks }
}

/** The clock lengths for a ticket of `kind`. */
export function clockDaysFor(settings: TicketSettings, { kind, isUrgent }: { kind: TicketKind; isUrgent: boolean }): ClockDays {
  return isUrgent ? settings.clocks.urgent : settings.clocks[kind]
}

/** Limits of the public form, stated on it. */
export const formLimits = {
  titleMin: 4, titleMax: 50, textMin: 10, textMax: 2000, addressMax: 200, nameMax: 20, attachmentsMax: 9,
  /** Per picture; checked while the upload streams in (assets/ticket-attachments.ts). */
  attachmentMaxBytes: 10 * 1024 * 1024,
  /** Told by the bytes, not the name. HEIC is left out: sharp ships no HEVC decoder for the public copy. */
  attachmentTypes: ['image/jpeg', 'image/png', 'image/webp'] as readonly string[],
} as const
