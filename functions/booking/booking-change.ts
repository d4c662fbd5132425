import * as z from 'zod';

export type BookingTool = 'calendly' | 'acuity';

/** What a scheduling tool told us, once its own vocabulary is set aside. */
export interface BookingChange {
  tool: BookingTool;
  kind: 'booked' | 'cancelled';
  /** The tool's id for the booking (Calendly's invitee URI, Acuity's appointment id). */
  bookingId: string;
  /** As the tool has it; checked and normalised by the use case. */
  email: string;
}

/**
 * Calendly's webhook body (https://developer.calendly.com/api-docs/overview/webhooks/overview):
 * `event` names what happened, `payload` is the invitee. Calendly adds fields over time, so
 * only what is read here is checked.
 */
const calendlyBodySchema = z.object({
  event: z.string().min(1).max(100),
  payload: z.object({
    email: z.string().min(3).max(254),
    uri: z.string().min(1).max(500),
    /** A reschedule cancels the old invitee with `rescheduled: true` and creates a new one. */
    rescheduled: z.boolean().optional(),
  }),
});

export const CALENDLY_EVENTS = ['invitee.created', 'invitee.canceled'] as const;

/** `undefined` for an event this pipeline does not act on (answered 200, nothing stored). */
export function calendlyChange(body: unknown): BookingChange | undefined | z.ZodError {
  const envelope = z.object({ event: z.string().max(100) }).safeParse(body);
  if (!envelope.success) return envelope.error;
  if (!(CALENDLY_EVENTS as readonly string[]).includes(envelope.data.event)) return undefined;
  const parsed = calendlyBodySchema.safeParse(body);
  if (!parsed.success) return parsed.error;
  const { event, payload } = parsed.data;
  // The old half of a reschedule: the new invitee.created that follows keeps the lead booked.
  if (event === 'invitee.canceled' && payload.rescheduled) return undefined;
  return {
    tool: 'calendly',
    kind: event === 'invitee.created' ? 'booked' : 'cancelled',
    bookingId: payload.uri,
    email: payload.email,
  };
}

/** Acuity posts a urlencoded form naming the action and the appointment id, nothing about the person. */
export const acuityFormSchema = z.object({
  action: z.string().min(1).max(60),
  id: z.string().regex(/^\d{1,20}$/, { error: 'must be an Acuity appointment id' }),
});

export const ACUITY_ACTIONS = ['scheduled', 'rescheduled', 'canceled'] as const;

/** An Acuity appointment as its API answers GET /appointments/{id}: only what is read here. */
export interface AcuityAppointment {
  email: string;
  canceled: boolean;
}

export interface AcuityAppointments {
  get(appointmentId: string): Promise<AcuityAppointment | undefined>;
}

/** Acts on the appointment as it is now: a replayed "scheduled" for a cancelled one cancels. */
export function acuityChange(appointmentId: string, appointment: AcuityAppointment): BookingChange {
  return {
    tool: 'acuity',
    kind: appointment.canceled ? 'cancelled' : 'booked',
    bookingId: appointmentId,
    email: appointment.email,
  };
}
