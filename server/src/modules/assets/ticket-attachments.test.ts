import crypto from 'node:crypto'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { inScope, systemScope } from '../../db/scope.js'
import { verifyAuditChain } from '../../kernel/audit.js'
import { tenantIds } from '../../../test/factories/tenancy.js'
import { randomPhone, submission, ticketIdOf } from '../../../test/factories/tickets.js'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'
import { multipart, photoWithGps, plainZip, pngPicture, runWorker } from './fixtures/files.js'
import { TICKET_UPLOAD_MAX_BYTES, UPLOAD_EXPIRED_EVENT } from './ticket-attachments.js'

/**
 * Pictures on citizens' messages and replies: uploaded through the public endpoint (checked by
 * content), claimed once by the submission that names them, the original with its GPS kept for
 * handlers, the public copy stripped; many submissions in parallel each keep exactly their own.
 */
describe('ticket attachments', () => {
  let t: TestApp
  let dispatcher: Client
  let handler: Client
  let ids: Record<string, string>

  const uploadPublic = (file: Buffer, { center = 'district-a', filename = 'photo.jpg', contentType = 'image/jpeg' } = {}) => {
    const { payload, headers } = multipart({ file, filename, contentType })
    return t.app.inject({ method: 'POST', url: `/api/v1/public/${center}/tickets/uploads`, payload, headers })
  }
  const submitWith = (attachmentIds: string[], overrides: Record<string, unknown> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/v1/public/district-a/tickets', payload: submission({ attachmentIds, ...overrides }) })

  beforeAll(async () => {
    t = await buildTestApp({ config: { publicRateLimitPerMinute: 10_000 } })
    ids = await tenantIds(t.db)
    dispatcher = await signIn(t.app, 'district-a.dispatcher')
    handler = await signIn(t.app, 'district-a.handler')
  })
  afterAll(async () => { await t.close() })

  it('states the limits on the form and takes JPEG, PNG and WebP, told by their bytes', async () => {
    const form = (await t.app.inject({ method: 'GET', url: '/api/v1/public/district-a/tickets/form' })).json()
    expect(form.isAttachmentsAvailable).toBe(true)
    expect(form.limits).toMatchObject({ attachmentsMax: 9, attachmentMaxBytes: TICKET_UPLOAD_MAX_BYTES, attachmentTypes: ['image/jpeg', 'image/png', 'image/webp'] })

    const jpeg = await uploadPublic(await photoWithGps({ width: 400, height: 300 }))
    expect(jpeg.statusCode, jpeg.body).toBe(201)
    expect(jpeg.json()).toMatchObject({ contentType: 'image/jpeg', width: 400, height: 300 })
    expect(jpeg.json().id).toMatch(/^[0-9a-f-]{36}$/)
    // A PNG named .jpg is still a PNG: the bytes decide (and a wrong name alone is not refused here).
    const png = await uploadPublic(await pngPicture(), { filename: 'shot.png', contentType: 'image/png' })
    expect(png.statusCode, png.body).toBe(201)
    const webp = await uploadPublic(await sharp({ create: { width: 40, height: 30, channels: 3, background: '#246' } }).webp().toBuffer(), { filename: 'a.webp', contentType: 'image/webp' })
    expect(webp.json().contentType).toBe('image/webp')
  })

  it('keeps a citizen\'s picture with no user account behind it, audited as the public', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/api/v1/public/district-a/tickets/uploads', remoteAddress: '203.0.113.7',
      ...multipart({ file: await pngPicture(36, 26), filename: 'street.png', contentType: 'image/png' }),
    })
    expect(res.statusCode, res.body).toBe(201)
    const id = res.json().id as string
    const stored = await inScope(t.db, systemScope, async (trx) => ({
      asset: await trx.selectFrom('assets').select(['tenant_id', 'uploaded_by', 'upload_source']).where('id', '=', id).executeTakeFirstOrThrow(),
      uploaders: await trx.selectFrom('users').select('username').where(sql<boolean>`username like 'citizen-uploads-%'`).execute(),
      audit: await trx.selectFrom('audit_log').select(['actor_id', 'actor_name', 'tenant_id', 'ip', 'request_id'])
        .where('action', '=', 'asset.upload').where('target_id', '=', id).execute(),
    }))
    expect(stored.asset).toEqual({ tenant_id: ids['district-a'], uploaded_by: null, upload_source: 'citizen' })
    expect(stored.uploaders).toEqual([])
    expect(stored.audit).toEqual([{ actor_id: null, actor_name: '留言人', tenant_id: ids['district-a'], ip: '203.0.113.7', request_id: expect.any(String) }])
    expect((await verifyAuditChain(t.db)).ok).toBe(true)

    // The center's user list holds people only.
    const admin = await signIn(t.app, 'admin')
    const listed = await admin.get(`/api/v1/users?tenantId=${ids['district-a']}&limit=200`)
    expect(listed.statusCode, listed.body).toBe(200)
    const usernames = (listed.json().items as Array<{ username: string }>).map((u) => u.username)
    expect(usernames).toContain('district-a.dispatcher')
    expect(usernames.filter((name) => name.startsWith('citizen-uploads-'))).toEqual([])

    // The media library says where it came from, and its uploader filters tell the two apart.
    const editor = await signIn(t.app, 'district-a.editor')
    const view = (await editor.get(`/api/v1/assets/${id}`)).json()
    expect(view).toMatchObject({ uploadedBy: null, uploadedVia: 'citizen' })
    const citizens = (await editor.get('/api/v1/assets?uploadedVia=citizen&limit=200')).json().items as Array<{ id: string; uploadedBy: string | null; uploadedVia: string }>
    expect(citizens.map((a) => a.id)).toContain(id)
    expect(citizens.every((a) => a.uploadedBy === null && a.uploadedVia === 'citizen')).toBe(true)
    const staff = (await editor.get('/api/v1/assets?uploadedVia=staff&limit=200')).json().items as Array<{ id: string }>
    expect(staff.map((a) => a.id)).not.toContain(id)
    const me = (await editor.get('/api/v1/me')).json()
    const mine = (await editor.get(`/api/v1/assets?uploadedBy=${me.user.id}&limit=200`)).json().items as Array<{ id: string }>
    expect(mine.map((a) => a.id)).not.toContain(id)
  })

  it('refuses what is not an accepted picture, too large, or for an unknown center, and keeps nothing', async () => {
    const before = await countAssets()
    const zip = await uploadPublic(await plainZip(), { filename: 'photo.jpg', contentType: 'image/jpeg' })
    expect(zip.statusCode).toBe(415)
    expect(zip.json()).toMatchObject({ code: 'ASSET_TYPE_UNSUPPORTED', errors: [{ field: 'file' }] })
    const gif = await uploadPublic(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).gif().toBuffer(), { filename: 'x.gif', contentType: 'image/gif' })
    expect(gif.statusCode).toBe(415)
    const pdf = await uploadPublic(Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'), { filename: 'x.jpg' })
    expect(pdf.statusCode).toBe(415)
    // A JPEG header followed by more than the limit: stopped at the limit, with 413.
    const huge = Buffer.concat([await photoWithGps({ width: 64, height: 64 }), crypto.randomBytes(TICKET_UPLOAD_MAX_BYTES)])
    const big = await uploadPublic(huge)
    expect(big.statusCode, big.body).toBe(413)
    expect(big.json().code).toBe('ASSET_TOO_LARGE')
    const noFile = await t.app.inject({ method: 'POST', url: '/api/v1/public/district-a/tickets/uploads', payload: { x: 1 } })
    expect(noFile.statusCode).toBe(415)
    expect((await uploadPublic(await pngPicture(), { center: 'no-such-center' })).statusCode).toBe(404)
    expect(await countAssets()).toBe(before)
  })

  it('stores every one of many parallel submissions once, each with exactly its own pictures', async () => {
    const count = 12
    const uploads = await Promise.all(Array.from({ length: count }, async (_, i) => {
      const a = await uploadPublic(await photoWithGps({ width: 200, height: 150, seed: i * 2 }))
      const b = await uploadPublic(await photoWithGps({ width: 200, height: 150, seed: i * 2 + 1 }))
      expect(a.statusCode, a.body).toBe(201)
      expect(b.statusCode, b.body).toBe(201)
      return [a.json().id as string, b.json().id as string]
    }))
    const phones = uploads.map(() => randomPhone())
    const results = await Promise.all(uploads.map((pair, i) => submitWith(pair, { phone: phones[i] })))
    for (const r of results) expect(r.statusCode, r.body).toBe(201)

    const stored = await inScope(t.db, systemScope, async (trx) => ({
      tickets: await trx.selectFrom('tickets').select(['id', 'number', 'citizen_phone']).where('citizen_phone', 'in', phones).execute(),
      attachments: await trx.selectFrom('ticket_attachments as a').innerJoin('tickets as t', 't.id', 'a.ticket_id')
        .select(['t.citizen_phone', 'a.asset_id', 'a.position', 'a.is_public', 'a.reply_id']).where('t.citizen_phone', 'in', phones).execute(),
      events: await trx.selectFrom('ticket_events as e').innerJoin('tickets as t', 't.id', 'e.ticket_id').select('e.ticket_id')
        .where('t.citizen_phone', 'in', phones).where('e.action', '=', 'submitted').execute(),
    }))
    expect(stored.tickets).toHaveLength(count)
    expect(new Set(stored.tickets.map((r) => r.citizen_phone)).size).toBe(count)
    expect(stored.events).toHaveLength(count)
    expect(stored.attachments).toHaveLength(count * 2)
    for (const [i, phone] of phones.entries()) {
      const mine = stored.attachments.filter((a) => a.citizen_phone === phone).sort((x, y) => x.position - y.position)
      expect(mine.map((a) => a.asset_id)).toEqual(uploads[i])
      expect(mine.every((a) => a.is_public && a.reply_id === null)).toBe(true)
    }

    // The dispatcher sees the references; the original keeps the GPS, the public copy has none.
    const id = await ticketIdOf(dispatcher, results[0]!.json().number)
    const detail = (await dispatcher.get(`/api/v1/tickets/${id}`)).json()
    expect(detail.attachments.map((a: { assetId: string }) => a.assetId)).toEqual(uploads[0])
    await runWorker(t.db)
    const original = await dispatcher.get(`/api/v1/tickets/attachments/${uploads[0]![0]}`)
    expect(original.statusCode).toBe(200)
    expect(original.headers['cache-control']).toBe('private, no-store')
    expect(gpsOf((await sharp(original.rawPayload).metadata()).exif)).toBe(true)
    const web = await inScope(t.db, systemScope, async (trx) => {
      const row = await trx.selectFrom('assets').select(['tenant_id', 'renditions']).where('id', '=', uploads[0]![0]).executeTakeFirstOrThrow()
      const file = (row.renditions as Array<{ name: string; format: string; file: string }>).find((r) => r.name === 'web' && r.format === 'jpeg')!.file
      return `/media/${row.tenant_id}/${uploads[0]![0]}/${file}`
    })
    const copy = await t.app.inject({ method: 'GET', url: web })
    expect(copy.statusCode).toBe(200)
    expect(gpsOf((await sharp(copy.rawPayload).metadata()).exif)).toBe(false)
    // Nobody without sign-in, and no other center, reaches the original.
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/tickets/attachments/${uploads[0]![0]}` })).statusCode).toBe(401)
    const other = await signIn(t.app, 'district-b.dispatcher')
    expect((await other.get(`/api/v1/tickets/attachments/${uploads[0]![0]}`)).statusCode).toBe(404)
  })

  it('refuses unknown, reused, repeated and too many uploads, and stores nothing then', async () => {
    const one = (await uploadPublic(await pngPicture(30, 20))).json().id as string
    const phone = randomPhone()
    const cases: Array<[string[], number, string]> = [
      [[crypto.randomUUID()], 422, 'TICKET_UPLOAD_INVALID'],
      [[one, one], 422, 'TICKET_UPLOAD_INVALID'],
      [Array.from({ length: 10 }, () => crypto.randomUUID()), 400, 'VALIDATION_FAILED'],
    ]
    for (const [attachmentIds, status, code] of cases) {
      const res = await submitWith(attachmentIds, { phone })
      expect(res.statusCode, res.body).toBe(status)
      expect(res.json()).toMatchObject({ code, errors: [{ field: expect.stringMatching(/^\/?attachmentIds/) }] })
    }
    expect(await ticketsOf(phone)).toBe(0)

    // Claimed once; a second submission naming it is refused, even racing the first.
    const shared = (await uploadPublic(await pngPicture(31, 21))).json().id as string
    const [a, b] = await Promise.all([submitWith([shared]), submitWith([shared])])
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 422])
    expect((a.statusCode === 422 ? a : b).json().errors[0].message).toContain('already attached')
    const again = await submitWith([shared])
    expect(again.statusCode).toBe(422)

    // Another center's upload is unknown here.
    const elsewhere = (await uploadPublic(await pngPicture(32, 22), { center: 'district-b' })).json().id as string
    expect((await submitWith([elsewhere])).json().code).toBe('TICKET_UPLOAD_INVALID')
  })

  it('lets the department attach pictures to its reply, and no one else use them', async () => {
    const sub = await submitWith([], { phone: randomPhone() })
    const id = await ticketIdOf(dispatcher, sub.json().number)
    expect((await dispatcher.post(`/api/v1/tickets/${id}/route`, { leadDepartmentId: ids['district-a-gov'], coDepartmentIds: [] })).statusCode).toBe(200)
    expect((await handler.post(`/api/v1/tickets/${id}/sign-for`)).statusCode).toBe(200)

    const { payload, headers } = multipart({ file: await photoWithGps({ width: 300, height: 200, seed: 99 }) })
    const staff = await handler.request({ method: 'POST', url: `/api/v1/tickets/${id}/uploads`, payload, headers })
    expect(staff.statusCode, staff.body).toBe(201)
    expect(staff.json().expiresAt).toBeNull()
    // A citizen cannot put the department's upload on a new message.
    expect((await submitWith([staff.json().id])).json().code).toBe('TICKET_UPLOAD_INVALID')
    // A citizen's upload cannot go on a reply.
    const citizens = (await uploadPublic(await pngPicture(33, 23))).json().id as string
    const wrong = await handler.post(`/api/v1/tickets/${id}/replies`, { body: '您好，已处理完毕，现场照片见附件。', attachmentIds: [citizens] })
    expect(wrong.statusCode).toBe(422)

    const replied = await handler.post(`/api/v1/tickets/${id}/replies`, { body: '您好，已处理完毕，现场照片见附件。', attachmentIds: [staff.json().id] })
    expect(replied.statusCode, replied.body).toBe(201)
    const detail = (await dispatcher.get(`/api/v1/tickets/${id}`)).json()
    expect(detail.attachments).toEqual([{ assetId: staff.json().id, replyId: replied.json().replies[0].id, isPublic: true }])
    expect((await handler.get(`/api/v1/tickets/attachments/${staff.json().id}`)).statusCode).toBe(200)
    expect((await dispatcher.get(`/api/v1/tickets/attachments/${staff.json().id}`)).statusCode).toBe(200)

    // A department that does not hold the ticket cannot upload to it.
    const other = await signIn(t.app, 'district-b.dispatcher')
    const denied = await other.request({ method: 'POST', url: `/api/v1/tickets/${id}/uploads`, ...multipart({ file: await pngPicture() }) })
    expect([403, 404]).toContain(denied.statusCode)
  })

  it('deletes a citizen upload nobody claimed within a day, and keeps claimed ones', async () => {
    const lonely = (await uploadPublic(await pngPicture(34, 24))).json().id as string
    const used = (await uploadPublic(await pngPicture(35, 25))).json().id as string
    expect((await submitWith([used])).statusCode).toBe(201)
    // A day passes: the expiry events fall due (delivery time is the outbox's next_attempt_at).
    const expiries = await inScope(t.db, systemScope, (trx) => trx.updateTable('outbox_events').set({ next_attempt_at: new Date() })
      .where('type', '=', UPLOAD_EXPIRED_EVENT).where('delivered_at', 'is', null).returning(['id', 'next_attempt_at']).execute())
    expect(expiries.length).toBeGreaterThanOrEqual(2)
    await runWorker(t.db)
    const rows = await inScope(t.db, systemScope, (trx) => trx.selectFrom('assets').select(['id', 'deleted_at', 'deleted_by']).where('id', 'in', [lonely, used]).execute())
    // Deleted by the system: no user is named as the deleter.
    expect(rows.find((r) => r.id === lonely)).toMatchObject({ deleted_at: expect.any(Date), deleted_by: null })
    expect(rows.find((r) => r.id === used)!.deleted_at).toBeNull()
  })

  /** True when EXIF bytes hold a GPS IFD (tag 0x8825), in either byte order. */
  function gpsOf(exif: Buffer | undefined): boolean {
    if (!exif) return false
    return exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88]))
  }

  async function countAssets(): Promise<number> {
    const row = await inScope(t.db, systemScope, (trx) => trx.selectFrom('assets').select((e) => e.fn.countAll<string>().as('n')).executeTakeFirstOrThrow())
    return Number(row.n)
  }
  async function ticketsOf(phone: string): Promise<number> {
    const row = await inScope(t.db, systemScope, (trx) => trx.selectFrom('tickets').select((e) => e.fn.countAll<string>().as('n')).where('citizen_phone', '=', phone).executeTakeFirstOrThrow())
    return Number(row.n)
  }
})
