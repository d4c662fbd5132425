import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one logger. Correlate by lead id or request id: never log an email address, name,
 * phone number, token or unsubscribe URL (a test scans the integration run's logs for them).
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'clinic-lead-nurture',
  logLevel: (process.env.POWERTOOLS_LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'INFO') as 'INFO',
});

/** What domain code may log with: the logger's shape, so tests can pass a recorder. */
export type Log = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
