import { type Duration, TimeZone } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue, InvokeFunctionTarget, schedulerRole } from './drip';
import { AppFunction, type AppFunctionProps } from './lambda';

/** How often a run is tried again, by the Scheduler (delivery) or by Lambda (the function failed). */
export interface RunRetry {
  readonly attempts: number;
  readonly maxEventAge: Duration;
}

export interface DailyFunctionProps {
  readonly function: Omit<AppFunctionProps, 'asyncFailures'>;
  /** The deploy config setting `hour` comes from, named when it is not a whole hour. */
  readonly hourSetting: string;
  /** Hour of the day (0-23) in `timeZone`; the Scheduler follows its daylight-saving changes. */
  readonly hour: number;
  readonly timeZone: string;
  readonly scheduleDescription: string;
  readonly roleDescription: string;
  /** Lambda's retries of a run that failed. */
  readonly functionRetry: RunRetry;
  /** The Scheduler's retries of a run it could not deliver. */
  readonly scheduleRetry: RunRetry;
}

/**
 * A function EventBridge Scheduler runs every day at `hour` in the practice's time zone, through
 * a role that may invoke only that function. A run that cannot be delivered or keeps failing
 * ends in its dead-letter queue, as the dispatcher's ticks do. Subclasses add the grants.
 */
export class DailyFunction extends Construct {
  readonly function: AppFunction;
  readonly deadLetters: sqs.Queue;
  readonly schedule: scheduler.Schedule;
  readonly scheduleRole: iam.Role;

  constructor(scope: Construct, id: string, props: DailyFunctionProps) {
    super(scope, id);
    const { hour } = props;
    if (!Number.isInteger(hour) || hour < 0 || hour > 23) {
      throw new Error(`${props.hourSetting} must be a whole hour from 0 to 23, got ${hour}`);
    }
    this.deadLetters = deadLetterQueue(this, 'DeadLetters');
    this.function = new AppFunction(this, 'Handler', {
      ...props.function,
      asyncFailures: {
        deadLetterQueue: this.deadLetters,
        retryAttempts: props.functionRetry.attempts,
        maxEventAge: props.functionRetry.maxEventAge,
      },
    });
    this.scheduleRole = schedulerRole(this, 'ScheduleRole', props.roleDescription);
    this.schedule = new scheduler.Schedule(this, 'Daily', {
      description: props.scheduleDescription,
      schedule: scheduler.ScheduleExpression.cron({
        minute: '0',
        hour: String(hour),
        timeZone: TimeZone.of(props.timeZone),
      }),
      target: new InvokeFunctionTarget(this.function.fn, this.scheduleRole, {
        deadLetterQueue: this.deadLetters,
        retryAttempts: props.scheduleRetry.attempts,
        maxEventAge: props.scheduleRetry.maxEventAge,
      }),
    });
  }
}
