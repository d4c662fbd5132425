import { Duration, TimeZone } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MIGRATION_PREFIX } from '../../functions/adapters/dynamodb/keys';
import { LIST_INDEX } from '../../functions/adapters/dynamodb/table-schema';
import type { DeployConfig } from '../config';
import { digestEnvironment } from '../environment';
import type { LeadData } from './data';
import { deadLetterQueue, InvokeFunctionTarget, schedulerRole } from './drip';
import type { EmailSending } from './email';
import { AppFunction } from './lambda';

export interface FollowUpDigestProps {
  readonly config: DeployConfig;
  readonly data: LeadData;
  readonly email: EmailSending;
  readonly siteUrl: string;
  readonly publicApiUrl: string;
}

/**
 * The daily follow-up digest: every morning in the practice's time zone, EventBridge Scheduler
 * runs a function that counts open follow-up tasks over the leads list and emails staff the
 * counts with console links (no personal data). It may read the leads list and send email.
 */
export class FollowUpDigest extends Construct {
  readonly function: AppFunction;
  readonly deadLetters: sqs.Queue;
  readonly schedule: scheduler.Schedule;
  readonly scheduleRole: iam.Role;

  constructor(scope: Construct, id: string, props: FollowUpDigestProps) {
    super(scope, id);
    const { config, data } = props;
    const { observability, followUpDigest } = config;
    if (!Number.isInteger(followUpDigest.hour) || followUpDigest.hour < 0 || followUpDigest.hour > 23) {
      throw new Error(`followUpDigest.hour must be a whole hour from 0 to 23, got ${followUpDigest.hour}`);
    }
    this.deadLetters = deadLetterQueue(this, 'DeadLetters');
    this.function = new AppFunction(this, 'Handler', {
      lambda: 'follow-up-digest',
      description: 'Daily: emails staff the counts of open follow-up tasks, with console links',
      sizing: followUpDigest,
      observability,
      environment: digestEnvironment(config, data.table.tableName, {
        configurationSetName: props.email.configurationSet.configurationSetName,
        siteUrl: props.siteUrl,
        publicApiUrl: props.publicApiUrl,
        identityKeySecretArn: data.identityKey.secret.secretArn,
      }),
      // A retry could send the digest twice; one retry keeps a lost morning unlikely.
      asyncFailures: { deadLetterQueue: this.deadLetters, retryAttempts: 1, maxEventAge: Duration.hours(1) },
    });
    // The leads list (by month) and, per page, the enrolments and suppressions it reads with them.
    data.grantIndexQuery(this.function, LIST_INDEX.name);
    data.grantBulkActions(this.function, 'BatchGetItem');
    // Suppression entries by their keyed hash; the migration marker says whether unkeyed ones remain.
    data.grantIdentity(this.function, MIGRATION_PREFIX);
    props.email.grantSendEmail(this.function);

    this.scheduleRole = schedulerRole(this, 'ScheduleRole', 'EventBridge Scheduler: runs the follow-up digest daily');
    this.schedule = new scheduler.Schedule(this, 'Daily', {
      description: 'Emails staff the counts of open follow-up tasks',
      schedule: scheduler.ScheduleExpression.cron({
        minute: '0',
        hour: String(followUpDigest.hour),
        timeZone: TimeZone.of(config.clinic.practice.timeZone),
      }),
      target: new InvokeFunctionTarget(this.function.fn, this.scheduleRole, {
        deadLetterQueue: this.deadLetters,
        retryAttempts: 1,
        maxEventAge: Duration.hours(1),
      }),
    });
  }
}
