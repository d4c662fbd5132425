import * as path from 'node:path';
import type { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** The newest Node.js Lambda runtime (cdk-nag AwsSolutions-L1 checks for exactly that). */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

/**
 * How every function is bundled, as plain esbuild options, so `npm run bench` can measure the
 * very bundle that ships. The AWS SDK v3 is left out: the runtime provides it, which keeps the
 * bundle small (capture.bundle_kb). CommonJS output, although middy 6 and Powertools ship ESM
 * (esbuild converts them): the runtime's SDK is CommonJS, and an ES module that imports it
 * makes Node scan every SDK file for its export names first. `npm run bench -- capture`
 * measured the capture cold start at 157 ms as ESM and 114–119 ms as CommonJS (bare handler 25 ms).
 */
export const LAMBDA_BUNDLE = {
  target: 'node24',
  format: 'cjs',
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  external: ['@aws-sdk/*'],
} as const;

/** A function's share of the deploy config: every section that sizes a function has these. */
export interface FunctionSizing {
  readonly memorySize: number;
  readonly timeout: Duration;
}

/** The deploy config's observability settings, as every function takes them. */
export interface FunctionObservability {
  readonly logRetention: logs.RetentionDays;
  readonly metricsNamespace: string;
  readonly tracing?: boolean;
}

export interface AppFunctionProps {
  /** Its folder under functions/lambdas/, whose index.ts exports `handler`. */
  readonly lambda: string;
  readonly description: string;
  /** Powertools service name, the `service` key on every log line and metric; the folder's name unless set. */
  readonly serviceName?: string;
  readonly sizing: FunctionSizing;
  readonly observability: FunctionObservability;
  readonly environment: Record<string, string>;
  /** Caps concurrency (e.g. to pace SES); leave unset for functions behind API throttling. */
  readonly reservedConcurrency?: number;
  /**
   * For functions invoked asynchronously (by EventBridge or the Scheduler): how often Lambda
   * retries an invocation that failed, and the queue that keeps it after the last attempt.
   */
  readonly asyncFailures?: {
    readonly deadLetterQueue: sqs.IQueue;
    readonly retryAttempts: number;
    readonly maxEventAge: Duration;
  };
}

/** The entry file of the function in functions/lambdas/<lambda>/. */
export function lambdaEntry(lambda: string): string {
  return path.join(PROJECT_ROOT, 'functions', 'lambdas', lambda, 'index.ts');
}

/**
 * A Node.js Lambda function with the project's defaults: arm64, minified CommonJS bundle with
 * source maps, explicit memory and timeout, its own log group with retention, and a role
 * that can only write to that log group until callers add `grant*` calls.
 */
export class AppFunction extends Construct implements iam.IGrantable {
  readonly fn: NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly grantPrincipal: iam.IPrincipal;
  /** Its POWERTOOLS_SERVICE_NAME: the `service` dimension of its EMF metrics. */
  readonly serviceName: string;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    this.serviceName = props.serviceName ?? props.lambda;
    const { observability, sizing } = props;

    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: observability.logRetention });

    // Our own role instead of the default one: the default attaches the managed
    // AWSLambdaBasicExecutionRole, which may create and write any log group in the account.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${this.serviceName} function`,
    });
    this.logGroup.grantWrite(role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: lambdaEntry(props.lambda),
      handler: 'handler',
      description: props.description,
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: sizing.memorySize,
      timeout: sizing.timeout,
      role,
      logGroup: this.logGroup,
      tracing: observability.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      reservedConcurrentExecutions: props.reservedConcurrency,
      deadLetterQueue: props.asyncFailures?.deadLetterQueue,
      retryAttempts: props.asyncFailures?.retryAttempts,
      maxEventAge: props.asyncFailures?.maxEventAge,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: this.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: observability.metricsNamespace,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // Events carry form fields and email addresses; they must never reach a log line.
        POWERTOOLS_LOGGER_LOG_EVENT: 'false',
        ...props.environment,
      },
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      bundling: {
        target: LAMBDA_BUNDLE.target,
        format: OutputFormat.CJS,
        minify: LAMBDA_BUNDLE.minify,
        sourceMap: LAMBDA_BUNDLE.sourcemap,
        // Stack traces need line mappings, not the original sources: keeps the zip small.
        sourcesContent: false,
        mainFields: [...LAMBDA_BUNDLE.mainFields],
        externalModules: [...LAMBDA_BUNDLE.external],
      },
    });
    this.grantPrincipal = this.fn.grantPrincipal;

    if (observability.tracing) {
      acknowledge(
        role,
        'X-Ray PutTraceSegments and PutTelemetryRecords do not support resource-level permissions; ' +
          'CDK adds them with Resource "*" when active tracing is on, and they expose no data.',
        'AwsSolutions-IAM5[Resource::*]',
      );
    }
  }
}
