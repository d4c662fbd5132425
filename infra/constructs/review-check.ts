import { TimeZone } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DUE_INDEX } from '../../functions/adapters/dynamodb/table-schema';
import type { DeployConfig } from '../config';
import { reviewCheckEnvironment } from '../environment';
import type { LeadData } from './data';
import { deadLetterQueue, InvokeFunctionTarget, schedulerRole } from './drip';
import { AppFunction } from './lambda';

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
export class ReviewCheck extends Construct {
  readonly function: AppFunction;
  readonly deadLetters: sqs.Queue;
  readonly schedule: scheduler.Schedule;
  readonly scheduleRole: iam.Role;

  constructor(scope: Construct, id: string, props: ReviewCheckProps) {
    super(scope, id);
    const { config, data } = props;
    const { observability, reviewCheck } = config;
    if (!Number.isInteger(reviewCheck.hour) || reviewCheck.hour < 0 || reviewCheck.hour > 23) {
      throw new Error(`reviewCheck.hour must be a whole hour from 0 to 23, got ${reviewCheck.hour}`);
    }

    this.deadLetters = deadLetterQueue(this, 'DeadLetters');
    this.function = new AppFunction(this, 'Handler', {
      lambda: 'review-check',
      description: 'Daily: ReviewExpired and ReviewMissing metrics for the clinical sign-off of published sequences',
      serviceName: 'admin-review-check',
      sizing: reviewCheck,
      observability,
      environment: reviewCheckEnvironment(config, data.table.tableName),
      // A run only reads and counts: retrying it is harmless.
      asyncFailures: {
        deadLetterQueue: this.deadLetters,
        retryAttempts: 2,
        maxEventAge: reviewCheck.scheduleRetry.maxEventAge,
      },
    });
    // The published pointer and the versions' reviews (SEQUENCE#<id> items), consistent reads,
    // and the due index, which names the versions active enrolments are pinned to.
    data.grantSequenceItemActions(this.function, 'GetItem');
    data.grantIndexQuery(this.function, DUE_INDEX.name);

    this.scheduleRole = schedulerRole(
      this,
      'ScheduleRole',
      'EventBridge Scheduler: runs the clinical review check daily',
    );
    this.schedule = new scheduler.Schedule(this, 'Daily', {
      description: 'Checks the clinical sign-off of every published sequence',
      schedule: scheduler.ScheduleExpression.cron({
        minute: '0',
        hour: String(reviewCheck.hour),
        timeZone: TimeZone.of(config.clinic.practice.timeZone),
      }),
      target: new InvokeFunctionTarget(this.function.fn, this.scheduleRole, {
        deadLetterQueue: this.deadLetters,
        retryAttempts: reviewCheck.scheduleRetry.attempts,
        maxEventAge: reviewCheck.scheduleRetry.maxEventAge,
      }),
    });
  }
}
