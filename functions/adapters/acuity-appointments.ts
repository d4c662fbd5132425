import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import type { AcuityAppointment, AcuityAppointments } from '../booking/booking-change';
import { secretsManagerClient } from './clients/secrets-manager';

export interface AcuityCredentials {
  userId: string;
  apiKey: string;
}

const credentialsSchema = z.object({ userId: z.string().min(1).max(64), apiKey: z.string().min(16).max(200) });

/** The Acuity account's user id and API key, from one Secrets Manager secret, read once per container. */
export function secretsManagerAcuityCredentials(secretId: string): () => Promise<AcuityCredentials> {
  let cached: Promise<AcuityCredentials> | undefined;
  return () => {
    cached ??= secretsManagerClient()
      .send(new GetSecretValueCommand({ SecretId: secretId }))
      .then((secret) => {
        let value: unknown;
        try {
          value = JSON.parse(secret.SecretString ?? '');
        } catch {
          value = undefined;
        }
        const parsed = credentialsSchema.safeParse(value);
        if (!parsed.success) throw new Error('The Acuity secret must hold {"userId": "...", "apiKey": "..."}');
        return parsed.data;
      });
    cached.catch(() => {
      cached = undefined;
    });
    return cached;
  };
}

const appointmentSchema = z.object({ email: z.string().max(254), canceled: z.boolean().optional() });

/**
 * GET /appointments/{id} of Acuity's API (HTTP Basic with the user id and API key), as
 * https://developers.acuityscheduling.com/docs/webhooks tells webhook receivers to do.
 */
export function acuityApiAppointments(options: {
  apiUrl: string;
  credentials: () => Promise<AcuityCredentials>;
  timeoutMs?: number;
}): AcuityAppointments {
  return {
    async get(appointmentId: string): Promise<AcuityAppointment | undefined> {
      const { userId, apiKey } = await options.credentials();
      const response = await fetch(`${options.apiUrl.replace(/\/$/, '')}/appointments/${appointmentId}`, {
        headers: { authorization: `Basic ${Buffer.from(`${userId}:${apiKey}`).toString('base64')}` },
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
      if (response.status === 404) return undefined;
      if (!response.ok) throw new Error(`Acuity answered ${response.status} for an appointment`);
      const appointment = appointmentSchema.parse(await response.json());
      return { email: appointment.email, canceled: appointment.canceled ?? false };
    },
  };
}
