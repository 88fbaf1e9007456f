import crypto from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { Client } from '../harness.js'

/** A valid public submission; `overrides` replace fields (a distinct phone per call by default). */
export function submission(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'complaint', category: 'road', title: '东湖路井盖缺失',
    text: `东湖路12号门口的井盖丢失多日，夜间通行很危险，请尽快处理。编号${crypto.randomUUID().slice(0, 8)}`,
    address: '东湖路12号', name: '张三', phone: randomPhone(), isNamePublic: true, consent: true, ...overrides,
  }
}

/** A mobile number nobody else in the run uses (the daily limit and duplicate guard are per phone). */
export function randomPhone(): string {
  return `139${String(crypto.randomInt(0, 100_000_000)).padStart(8, '0')}`
}

/** Submits through the public endpoint and returns the reply. */
export function submit(app: FastifyInstance, center: string, overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: `/api/v1/public/${center}/tickets`, payload: submission(overrides), headers })
}

/** The staff id of a ticket by its public number, as the center's dispatcher finds it. */
export async function ticketIdOf(dispatcher: Client, number: string): Promise<string> {
  const res = await dispatcher.get(`/api/v1/tickets?q=${number}`)
  const item = res.json().items?.[0]
  if (!item) throw new Error(`ticket ${number} not found: ${res.statusCode} ${res.body}`)
  return item.id
}
