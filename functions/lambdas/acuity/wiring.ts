import {
  type AcuityCredentials,
  acuityApiAppointments,
  secretsManagerAcuityCredentials,
} from '../../adapters/acuity-appointments';
import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import type { AcuityAppointments } from '../../booking/booking-change';
import type { BookingToolsEnv } from '../../config/booking-env';
import { ConfigurationError } from '../../config/env';
import { bookingChangeDeps } from '../booking-wiring';
import type { Overrides } from '../wiring';
import type { AcuityHandlerDeps } from './handler';

export interface AcuityOverrides extends Overrides {
  acuityCredentials?: () => Promise<AcuityCredentials>;
  /** Tests and the local stack answer for Acuity's API. */
  acuityAppointments?: AcuityAppointments;
}

export function acuityDeps(env: BookingToolsEnv, overrides: AcuityOverrides = {}): AcuityHandlerDeps {
  recordAwsCallsAs('acuity', env);
  const credentials =
    overrides.acuityCredentials ??
    (env.ACUITY_SECRET_ARN ? secretsManagerAcuityCredentials(env.ACUITY_SECRET_ARN) : undefined);
  if (!credentials) throw new ConfigurationError('Invalid configuration: ACUITY_SECRET_ARN is not set');
  return {
    ...bookingChangeDeps(env, overrides),
    // Acuity signs with the API key exactly as it is shown in its settings.
    acuityKey: async () => Buffer.from((await credentials()).apiKey, 'utf8'),
    appointments: overrides.acuityAppointments ?? acuityApiAppointments({ apiUrl: env.ACUITY_API_URL, credentials }),
  };
}
