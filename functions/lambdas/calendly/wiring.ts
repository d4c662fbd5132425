import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import { secretsManagerKey } from '../../adapters/signing-key';
import type { BookingToolsEnv } from '../../config/booking-env';
import { ConfigurationError } from '../../config/env';
import type { SigningKeyProvider } from '../../shared/signing-key';
import { bookingChangeDeps } from '../booking-wiring';
import type { Overrides } from '../wiring';
import type { CalendlyHandlerDeps } from './handler';

export function calendlyDeps(
  env: BookingToolsEnv,
  overrides: Overrides & { calendlyKey?: SigningKeyProvider } = {},
): CalendlyHandlerDeps {
  recordAwsCallsAs('calendly', env);
  const calendlyKey =
    overrides.calendlyKey ??
    (env.CALENDLY_SIGNING_KEY_SECRET_ARN
      ? secretsManagerKey(env.CALENDLY_SIGNING_KEY_SECRET_ARN, undefined, 'raw')
      : undefined);
  if (!calendlyKey) throw new ConfigurationError('Invalid configuration: CALENDLY_SIGNING_KEY_SECRET_ARN is not set');
  return { ...bookingChangeDeps(env, overrides), calendlyKey };
}
