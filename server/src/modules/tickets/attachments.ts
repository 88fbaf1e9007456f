import type { TenantScope, Tx } from '../../db/scope.js'

/**
 * The seam to the media library (issue 6) for pictures citizens attach to a message and
 * handlers attach to a reply. This module keeps only references (ticket_attachments); the media
 * library owns the files: it accepts the upload (type and size checked by content, not by
 * extension), strips EXIF location from the copy the public sees, and registers these hooks at
 * app build, the way the review module registers its hooks with stories.
 *
 * Without registered hooks a request naming attachments is refused with
 * TICKET_ATTACHMENTS_UNAVAILABLE and nothing is stored.
 */
export interface AttachmentRef {
  assetId: string
  /** True when a public copy (location stripped) exists and may be shown with the masked ticket. */
  isPublic: boolean
}

export interface TicketAttachmentHooks {
  /**
   * Takes uploads (ids the media library handed out for this center) for a ticket or a reply,
   * in the intake or reply transaction; throws an AppError naming the field when one is unknown,
   * already used, or not an accepted image.
   */
  claim(trx: Tx, scope: TenantScope, request: { centerId: string; ticketId: string; replyId: string | null; uploadIds: readonly string[]; field: string }): Promise<AttachmentRef[]>
  /** URLs for the assets, `isPublic` choosing the public copy. */
  describe(trx: Tx, scope: TenantScope, request: { assetIds: readonly string[]; isPublic: boolean }): Promise<Map<string, { url: string; contentType: string }>>
}

let hooks: TicketAttachmentHooks | null = null

export function registerTicketAttachmentHooks(next: TicketAttachmentHooks): void {
  hooks = next
}

export function attachmentHooks(): TicketAttachmentHooks | null {
  return hooks
}
