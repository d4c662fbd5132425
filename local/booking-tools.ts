import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { AcuityAppointment, AcuityAppointments } from '../functions/booking/booking-change';
import { bookingToolsEnvSchema } from '../functions/config/booking-env';
import { parseEnv } from '../functions/config/env';
import { makeAcuityHandler } from '../functions/lambdas/acuity/handler';
import { acuityDeps } from '../functions/lambdas/acuity/wiring';
import { makeCalendlyHandler } from '../functions/lambdas/calendly/handler';
import { calendlyDeps } from '../functions/lambdas/calendly/wiring';
import { jsonResponse } from '../functions/lambdas/http/responses';
import type { Clock } from '../functions/shared/clock';
import type { SigningKeyProvider } from '../functions/shared/signing-key';
import type { LambdaHttpHandler, Route } from './gateway';
import { LOCAL_CONTROL_HEADER } from './request-guard';
import { fileSigningKey } from './signing-key';

/** The local Acuity account: its API key signs the local notifications, as Acuity's does. */
export const LOCAL_ACUITY_USER_ID = 'local';

/**
 * Acuity's side of the local stack: appointments that `npm run drip -- acuity ...` makes, which
 * the Acuity handler reads back as it reads Acuity's API in AWS.
 */
export class LocalAcuityBook implements AcuityAppointments {
  private readonly appointments = new Map<string, AcuityAppointment>();
  private next = 1000;

  book(email: string): string {
    const id = String(this.next++);
    this.appointments.set(id, { email, canceled: false });
    return id;
  }

  cancel(id: string): boolean {
    const appointment = this.appointments.get(id);
    if (!appointment) return false;
    appointment.canceled = true;
    return true;
  }

  async get(id: string): Promise<AcuityAppointment | undefined> {
    const appointment = this.appointments.get(id);
    return appointment ? { ...appointment } : undefined;
  }
}

/** The Calendly and Acuity webhooks on the local stack, with keys kept in `.data/` like the others. */
export function localBookingTools(options: {
  env: Record<string, string>;
  clock: Clock;
  dataDir?: string;
  /** The stack's key for lead ids (.data/identity.key). */
  identityKey: SigningKeyProvider;
}) {
  const calendlyKey: SigningKeyProvider = options.dataDir
    ? fileSigningKey(join(options.dataDir, 'calendly.key'), 'raw')
    : async () => inMemoryCalendlyKey;
  const acuityKey: SigningKeyProvider = options.dataDir
    ? fileSigningKey(join(options.dataDir, 'acuity.key'), 'raw')
    : async () => inMemoryAcuityKey;
  const acuityBook = new LocalAcuityBook();
  const env = parseEnv(bookingToolsEnvSchema, options.env);
  const calendly = makeCalendlyHandler(
    calendlyDeps(env, { clock: options.clock, identityKey: options.identityKey, calendlyKey }),
  );
  const acuity = makeAcuityHandler(
    acuityDeps(env, {
      clock: options.clock,
      identityKey: options.identityKey,
      acuityCredentials: async () => ({ userId: LOCAL_ACUITY_USER_ID, apiKey: (await acuityKey()).toString('utf8') }),
      acuityAppointments: acuityBook,
    }),
  );
  return {
    calendlyKey,
    acuityKey,
    acuityBook,
    handlers: { calendly: calendly as unknown as LambdaHttpHandler, acuity: acuity as unknown as LambdaHttpHandler },
    routes: acuityControlRoutes(acuityBook),
  };
}

/** `npm run drip -- acuity scheduled|canceled ...` makes or cancels an appointment here first. */
function acuityControlRoutes(book: LocalAcuityBook): Route[] {
  return [
    {
      method: 'POST',
      path: '/__local/acuity/appointments',
      handler: async (event) => {
        if (!event.headers[LOCAL_CONTROL_HEADER]) return jsonResponse(403, { error: 'Local controls only' });
        let body: { email?: unknown; cancel?: unknown };
        try {
          body = JSON.parse(event.body ?? '{}');
        } catch {
          return jsonResponse(400, { error: 'Send {"email": "..."} or {"cancel": "<appointment id>"}' });
        }
        if (typeof body.cancel === 'string') {
          return book.cancel(body.cancel)
            ? jsonResponse(200, { id: body.cancel })
            : jsonResponse(404, { error: `No local appointment ${body.cancel}` });
        }
        if (typeof body.email !== 'string') {
          return jsonResponse(400, { error: 'Send {"email": "..."} or {"cancel": "<appointment id>"}' });
        }
        return jsonResponse(200, { id: book.book(body.email) });
      },
    },
  ];
}

// Shared secrets are used as the text the tool was given: 48 hex characters.
const inMemoryCalendlyKey = Buffer.from(randomBytes(24).toString('hex'));
const inMemoryAcuityKey = Buffer.from(randomBytes(24).toString('hex'));
