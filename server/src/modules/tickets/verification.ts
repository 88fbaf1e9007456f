/**
 * The pluggable phone verification hook (SMS codes). A provider delivers a code to a phone; the
 * tickets module makes, stores (hashed) and checks the codes. Production installs register a
 * provider for their SMS gateway (阿里云短信, 腾讯云短信…) with `registerVerificationProvider`; the
 * default one only writes the code to the server log, for development and tests.
 */
export interface VerificationMessage {
  phone: string
  code: string
  centerName: string
  /** Minutes the code stays valid. */
  validMinutes: number
}

export interface VerificationProvider {
  readonly name: string
  send(message: VerificationMessage): Promise<void>
}

export interface LogVerificationProvider extends VerificationProvider {
  /** The last codes sent to `phone`, newest first (kept in memory, at most 100 messages). */
  recent(phone: string): VerificationMessage[]
}

/** Writes each code to the log (`log`) and keeps the last 100 in memory for inspection. */
export function createLogVerificationProvider(log: (line: string) => void = (line) => console.info(line)): LogVerificationProvider {
  const sent: VerificationMessage[] = []
  return {
    name: 'log',
    async send(message) {
      sent.unshift(message)
      sent.length = Math.min(sent.length, 100)
      log(`[verification] ${message.centerName} → ${message.phone}: code ${message.code} (valid ${message.validMinutes} min)`)
    },
    recent: (phone) => sent.filter((m) => m.phone === phone),
  }
}

let provider: VerificationProvider = createLogVerificationProvider()

/** Replaces the SMS provider for the whole process (call once at start-up). */
export function registerVerificationProvider(next: VerificationProvider): void {
  provider = next
}

export function verificationProvider(): VerificationProvider {
  return provider
}
