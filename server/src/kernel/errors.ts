/**
 * One catalogue of errors. Each code is stable API (the console maps it to a message);
 * `status` is the HTTP status the problem+json reply carries.
 */
export const errorCatalogue = {
  VALIDATION_FAILED: { status: 400, title: 'Request is not valid' },
  BODY_TOO_LARGE: { status: 413, title: 'Request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  AUTH_REQUIRED: { status: 401, title: 'Sign-in required' },
  AUTH_INVALID_CREDENTIALS: { status: 401, title: 'Wrong username or password' },
  AUTH_OTP_REQUIRED: { status: 401, title: 'Two-factor code required' },
  AUTH_OTP_INVALID: { status: 401, title: 'Two-factor code is wrong' },
  AUTH_LOCKED: { status: 423, title: 'Account is locked' },
  AUTH_DISABLED: { status: 403, title: 'Account is disabled' },
  AUTH_SESSION_EXPIRED: { status: 401, title: 'Session expired' },
  AUTH_TOKEN_INVALID: { status: 401, title: 'API token is not valid' },
  CSRF_INVALID: { status: 403, title: 'CSRF token missing or wrong' },
  MFA_ENROLMENT_REQUIRED: { status: 403, title: 'Two-factor sign-in must be set up first' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, title: 'Password must be changed first' },
  PASSWORD_POLICY: { status: 400, title: 'Password does not meet the policy' },
  PASSWORD_WRONG: { status: 400, title: 'Current password is wrong' },
  TOTP_REQUIRED_FOR_ROLE: { status: 403, title: 'Two-factor sign-in is required for your roles' },
  TOTP_NOT_SET_UP: { status: 409, title: 'Two-factor setup was not started' },
  TOTP_ALREADY_ENABLED: { status: 409, title: 'Two-factor sign-in is already on' },
  FORBIDDEN: { status: 403, title: 'Not allowed' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  TENANT_NOT_FOUND: { status: 404, title: 'Tenant not found' },
  TENANT_SLUG_TAKEN: { status: 409, title: 'Tenant slug is taken' },
  TENANT_INVALID_PARENT: { status: 422, title: 'Tenant cannot be placed there' },
  TENANT_DISABLED: { status: 403, title: 'Tenant is disabled' },
  TENANT_DISABLE_REFUSED: { status: 422, title: 'This tenant cannot be disabled' },
  USER_NOT_FOUND: { status: 404, title: 'User not found' },
  USERNAME_TAKEN: { status: 409, title: 'Username is taken' },
  ROLE_NOT_FOUND: { status: 404, title: 'Role not found' },
  ROLE_CODE_TAKEN: { status: 409, title: 'Role code is taken' },
  ROLE_IN_USE: { status: 409, title: 'Role is still assigned' },
  ROLE_BUILTIN_READONLY: { status: 403, title: 'Built-in roles cannot be changed' },
  ROLE_INHERITED_READONLY: { status: 403, title: 'A role inherited from a higher tenant is changed there' },
  ROLE_PERMISSION_RESERVED: { status: 422, title: 'Permission cannot be given to a custom role' },
  MEMBERSHIP_EXISTS: { status: 409, title: 'User already has this role here' },
  MEMBERSHIP_LAST_ADMIN: { status: 409, title: 'The last platform administrator cannot be removed' },
  CONFLICT: { status: 409, title: 'Conflict' },
  STORY_CHECKS_BLOCKED: { status: 422, title: 'Blocking check hits stop the submission' },
  REVIEW_WRONG_STATE: { status: 409, title: 'The story is not in a state that allows this' },
  REVIEW_AWAITING_PROOFREADING: { status: 409, title: 'The story waits for proofreading rounds' },
  REVIEW_OWN_STORY: { status: 403, title: 'Authors cannot review their own story' },
  REVIEW_SAME_PERSON_TWO_LEVELS: { status: 403, title: 'Nobody may act at two review levels of one story' },
  PROOFREAD_CONSECUTIVE_ROUNDS: { status: 403, title: 'The same person cannot proofread two rounds in a row' },
  CHECK_OVERRIDE_NO_HIT: { status: 422, title: 'No such blocking check hit in the current version' },
  RECORD_FONT_MISSING: { status: 503, title: 'No Chinese font is installed for PDF output' },
  DOCX_INVALID: { status: 422, title: 'Word document cannot be imported' },
  STORY_NOT_FOUND: { status: 404, title: 'Story not found' },
  STORY_LOCKED: { status: 409, title: 'Someone else is editing this story' },
  STORY_NOT_EDITABLE: { status: 422, title: 'This story can no longer be edited' },
  STORY_STATE_INVALID: { status: 422, title: 'Not possible in the story\'s current state' },
  ASSET_NOT_FOUND: { status: 404, title: 'Asset not found' },
  ASSET_TYPE_UNSUPPORTED: { status: 415, title: 'This kind of file is not accepted' },
  ASSET_TYPE_MISMATCH: { status: 415, title: 'The file is not what its name or type says' },
  ASSET_TOO_LARGE: { status: 413, title: 'The file is larger than this tenant accepts' },
  ASSET_PIXELS_EXCEEDED: { status: 422, title: 'The picture has too many pixels' },
  ASSET_DECOMPRESSION_BOMB: { status: 422, title: 'The file expands to far more than its size' },
  ASSET_CORRUPT: { status: 422, title: 'The file is truncated or corrupt' },
  ASSET_SVG_UNSAFE: { status: 422, title: 'The SVG holds scripts or external references' },
  ASSET_POLYGLOT: { status: 422, title: 'The file is also another kind of file' },
  ASSET_IN_USE: { status: 409, title: 'The asset is in use' },
  ASSET_COVER_INVALID: { status: 422, title: 'This asset cannot be a story cover' },
  ASSET_SHARE_NOT_FOUND: { status: 404, title: 'Shared asset not found or withdrawn' },
  ASSET_COLLECTION_NOT_FOUND: { status: 404, title: 'Collection not found' },
  UPLOAD_NOT_FOUND: { status: 404, title: 'Upload session not found or expired' },
  UPLOAD_OFFSET_MISMATCH: { status: 409, title: 'The chunk does not start where the upload stands' },
  UPLOAD_INCOMPLETE: { status: 409, title: 'Not all bytes of the upload have arrived' },
  RANGE_NOT_SATISFIABLE: { status: 416, title: 'Range not satisfiable' },
  SIGNED_URL_INVALID: { status: 403, title: 'The link is not valid or has expired' },
  TICKET_NOT_FOUND: { status: 404, title: 'Ticket not found' },
  TICKET_STATE_INVALID: { status: 409, title: 'Not possible in the ticket\'s current state' },
  TICKET_DUPLICATE: { status: 409, title: 'The same message was submitted a moment ago' },
  TICKET_PHONE_LIMIT: { status: 429, title: 'Too many messages from this phone number today' },
  TICKET_VERIFICATION_FAILED: { status: 400, title: 'Phone verification code missing or wrong' },
  TICKET_LOOKUP_FAILED: { status: 404, title: 'No message with this lookup code and phone number' },
  TICKET_DEADLINE_PASSED: { status: 422, title: 'The deadline has already passed' },
  TICKET_ATTACHMENTS_UNAVAILABLE: { status: 422, title: 'Attachments are not available here' },
  TICKET_UPLOAD_INVALID: { status: 422, title: 'An attachment upload is unknown, expired or already used' },
  FAQ_NOT_FOUND: { status: 404, title: 'Knowledge base entry not found' },
  ACCOUNT_NOT_FOUND: { status: 404, title: 'Channel account not found' },
  ACCOUNT_UNAVAILABLE: { status: 422, title: 'The channel account cannot publish now' },
  CHANNEL_NOT_BUILT: { status: 422, title: 'This channel is not available yet' },
  CHANNEL_SET_NOT_FOUND: { status: 404, title: 'Channel set not found' },
  PUBLICATION_NOT_SIGNED_OFF: { status: 422, title: 'Only a signed-off version can be published' },
  PUBLICATION_INVALID: { status: 422, title: 'The story does not meet the channel\'s rules' },
  PUBLICATION_WITHDRAWN: { status: 409, title: 'This version was withdrawn and cannot go out again' },
  PUBLICATION_NOTHING_TO_WITHDRAW: { status: 409, title: 'The story has no publication to withdraw' },
  PUBLICATION_CALLBACK_INVALID: { status: 403, title: 'The platform callback signature is wrong' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'Service unavailable' },
  INTERNAL: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>

export type ErrorCode = keyof typeof errorCatalogue

export interface FieldError {
  field: string
  message: string
}

/** A domain error: services throw these, the HTTP layer renders them as problem+json. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly errors?: FieldError[]
  /** Extra members for the problem document (e.g. `lockedUntil`). */
  readonly extra?: Record<string, unknown>

  constructor(code: ErrorCode, detail?: string, options: { errors?: FieldError[]; extra?: Record<string, unknown>; cause?: unknown } = {}) {
    super(detail ?? errorCatalogue[code].title, { cause: options.cause })
    this.name = 'AppError'
    this.code = code
    this.status = errorCatalogue[code].status
    this.errors = options.errors
    this.extra = options.extra
  }
}

/** True for a Postgres unique-violation error (from either driver). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string; message?: string }
  if (e?.code !== '23505') return false
  return constraint === undefined || e.constraint === constraint || (e.message ?? '').includes(constraint)
}

/** True for a Postgres foreign-key violation (a row is still referenced), from either driver. */
export function isForeignKeyViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === '23503'
}
