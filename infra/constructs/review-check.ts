import type { Construct } from 'constructs';
import { DUE_INDEX } from '../../functions/adapters/dynamodb/table-schema';
import type { DeployConfig } from '../config';
import { reviewCheckEnvironment } from '../environment';
import { DailyFunction } from './daily-function';
import type { LeadData } from './data';

/** EMF metrics of functions/admin/review-expiry.ts, each published once a run (0 when all is well). */
export const REVIEW_METRICS = ['ReviewExpired', 'ReviewMissing'] as const;

export interface ReviewCheckProps {
  readonly config: DeployConfig;
  readonly data: LeadData;
}

/**
 * The clinical sign-off check: every morning in the practice's time zone, EventBridge Scheduler
 * runs a function that reads each sequence's published pointer and publishes how many have an
 * expired review (`ReviewExpired`) or none (`ReviewMissing`), which the monitoring alarms on.
 * It may read the sequence items, nothing else. A run that cannot be delivered or keeps failing
 * ends in a dead-letter queue, as the dispatcher's ticks do.
 */
export class ReviewCheck extends DailyFunction {
  constructor(scope: Construct, id: string, props: ReviewCheckProps) {
    const { config, data } = props;
    const { observability, reviewCheck } = config;
    super(scope, id, {
      function: {
        lambda: 'review-check',
        description: 'Daily: ReviewExpired and ReviewMissing metrics for the clinical sign-off of published sequences',
        serviceName: 'admin-review-check',
        sizing: reviewCheck,
        observability,
        environment: reviewCheckEnvironment(config, data.table.tableName),
      },
      hourSetting: 'reviewCheck.hour',
      hour: reviewCheck.hour,
      timeZone: config.clinic.practice.timeZone,
      scheduleDescription: 'Checks the clinical sign-off of every published sequence',
      roleDescription: 'EventBridge Scheduler: runs the clinical review check daily',
      // A run only reads and counts: retrying it is harmless.
      functionRetry: { attempts: 2, maxEventAge: reviewCheck.scheduleRetry.maxEventAge },
      scheduleRetry: reviewCheck.scheduleRetry,
    });
    // The published pointer and the versions' reviews (SEQUENCE#<id> items), consistent reads,
    // and the due index, which names the versions active enrolments are pinned to.
    data.grantSequenceItemActions(this.function, 'GetItem');
    data.grantIndexQuery(this.function, DUE_INDEX.name);
  }
}
