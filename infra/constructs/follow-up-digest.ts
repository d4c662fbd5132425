import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { MIGRATION_PREFIX } from '../../functions/adapters/dynamodb/keys';
import { LIST_INDEX } from '../../functions/adapters/dynamodb/table-schema';
import type { DeployConfig } from '../config';
import { digestEnvironment } from '../environment';
import { DailyFunction } from './daily-function';
import type { LeadData } from './data';
import type { EmailSending } from './email';

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
export class FollowUpDigest extends DailyFunction {
  constructor(scope: Construct, id: string, props: FollowUpDigestProps) {
    const { config, data } = props;
    const { observability, followUpDigest } = config;
    // A retry could send the digest twice; one retry keeps a lost morning unlikely.
    const retry = { attempts: 1, maxEventAge: Duration.hours(1) };
    super(scope, id, {
      function: {
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
      },
      hourSetting: 'followUpDigest.hour',
      hour: followUpDigest.hour,
      timeZone: config.clinic.practice.timeZone,
      scheduleDescription: 'Emails staff the counts of open follow-up tasks',
      roleDescription: 'EventBridge Scheduler: runs the follow-up digest daily',
      functionRetry: retry,
      scheduleRetry: retry,
    });
    // The leads list (by month) and, per page, the enrolments and suppressions it reads with them.
    data.grantIndexQuery(this.function, LIST_INDEX.name);
    data.grantBulkActions(this.function, 'BatchGetItem');
    // Suppression entries by their keyed hash; the migration marker says whether unkeyed ones remain.
    data.grantIdentity(this.function, MIGRATION_PREFIX);
    props.email.grantSendEmail(this.function);
  }
}
