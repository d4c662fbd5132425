import type { CallToCheck } from './calls';
import { type LambdaFunction, referencedId, resourcesOfType, type SynthesizedStack } from './stack';

/**
 * Calls AWS makes with a function's own role, read from the template rather than recorded:
 * the Lambda runtime writing its logs, the SQS poller of an event source mapping, and the
 * dead-letter queue of asynchronous invocations. They are checked like the recorded calls,
 * so a grant they need cannot go missing, and they account for grants no code uses.
 * (AWS Lambda developer guide: "Defining Lambda function permissions with an execution role",
 * "Using Lambda with Amazon SQS", "Capturing records of Lambda asynchronous invocations".)
 */
export function lambdaServiceCalls(stack: SynthesizedStack, fn: LambdaFunction): CallToCheck[] {
  const { resolver } = stack;
  const properties = fn.resource.Properties ?? {};
  const calls: CallToCheck[] = [];
  const call = (origin: string, action: string, resource: string, operation?: string): CallToCheck => ({
    function: fn.label,
    service: action.split(':')[0]!,
    action: action.split(':')[1]!,
    resources: [resource],
    context: {},
    count: 1,
    origin,
    ...(operation ? { operation } : {}),
  });

  const logGroup = (properties.LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup;
  const logGroupName = logGroup
    ? resolver.resolveString(logGroup)
    : `/aws/lambda/${resolver.resolveString({ Ref: fn.logicalId })}`;
  const stream = resolver.arn('logs', `log-group:${logGroupName}:log-stream:2026/01/01/[$LATEST]0123456789abcdef`);
  calls.push(call('Lambda runtime (logs)', 'logs:CreateLogStream', stream));
  calls.push(call('Lambda runtime (logs)', 'logs:PutLogEvents', stream));

  const deadLetters = (properties.DeadLetterConfig as { TargetArn?: unknown } | undefined)?.TargetArn;
  if (deadLetters) {
    const target = resolver.resolveString(deadLetters);
    const service = target.split(':')[2];
    calls.push(
      call(
        'Lambda async invocation (dead-letter queue)',
        service === 'sns' ? 'sns:Publish' : 'sqs:SendMessage',
        target,
      ),
    );
  }

  const tracing = (properties.TracingConfig as { Mode?: string } | undefined)?.Mode;
  if (tracing === 'Active') {
    calls.push(call('Lambda runtime (X-Ray)', 'xray:PutTraceSegments', '*'));
    calls.push(call('Lambda runtime (X-Ray)', 'xray:PutTelemetryRecords', '*'));
  }

  for (const [, mapping] of resourcesOfType(stack, 'AWS::Lambda::EventSourceMapping')) {
    if (referencedId(mapping.Properties?.FunctionName) !== fn.logicalId) continue;
    const source = resolver.resolveString(mapping.Properties?.EventSourceArn);
    if (source.split(':')[2] !== 'sqs') continue;
    for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes']) {
      calls.push(call('Lambda event source mapping (SQS poller)', action, source));
    }
  }

  for (const [, config] of resourcesOfType(stack, 'AWS::Lambda::EventInvokeConfig')) {
    if (referencedId(config.Properties?.FunctionName) !== fn.logicalId) continue;
    const destinations = config.Properties?.DestinationConfig as
      | Record<string, { Destination?: unknown } | undefined>
      | undefined;
    for (const destination of Object.values(destinations ?? {})) {
      if (!destination?.Destination) continue;
      const target = resolver.resolveString(destination.Destination);
      const service = target.split(':')[2];
      const action = {
        sqs: 'sqs:SendMessage',
        sns: 'sns:Publish',
        lambda: 'lambda:InvokeFunction',
        events: 'events:PutEvents',
      }[service ?? ''];
      if (action) calls.push(call('Lambda async invocation (destination)', action, target));
    }
  }
  return calls;
}
