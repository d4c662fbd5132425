import { dynamoTable } from '../adapters/clients/dynamodb';
import { DynamoBookingStore, DynamoReplayGuard } from '../adapters/dynamodb/booking-store';
import { PublishedSequenceCatalog } from '../adapters/dynamodb/published-sequences';
import type { BookingChangeDeps } from '../booking/apply-booking-change';
import type { ReplayGuard } from '../booking/ports';
import type { BookingToolsEnv } from '../config/booking-env';
import { logger } from '../observability/logger';
import { captureBundle } from '../sequence/build-output/capture-bundle';
import { exitDepsFrom, type Overrides } from './wiring';

/** What the Calendly and Acuity functions share: the booking use case's stores and settings. */
export function bookingChangeDeps(
  env: BookingToolsEnv,
  overrides: Overrides,
): BookingChangeDeps & { replay: ReplayGuard } {
  const exit = exitDepsFrom(env, overrides);
  const { clock } = exit;
  const table = dynamoTable(env);
  return {
    ...exit,
    bookings: new DynamoBookingStore(table),
    replay: new DynamoReplayGuard(table, () => clock.now()),
    sequences: new PublishedSequenceCatalog({ table, bundle: captureBundle(), clock, log: logger }),
    settings: {
      cancellationMode: env.CANCELLATION_MODE,
      rebookSequenceId: env.REBOOK_SEQUENCE_ID,
      practiceTimeZone: env.PRACTICE_TIME_ZONE,
    },
  };
}
