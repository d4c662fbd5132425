import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode } from '../bench/bundle';
import { RECORDING_VARIABLE } from '../functions/adapters/aws-call-recorder';
import { decodeKey } from '../functions/adapters/signing-key';
import { leadIdFor } from '../functions/lead/email-address';
import { matchesPattern } from '../local/event-pattern';
import { cognitoClaims, httpApiRequest, schedulerInvocation, sqsBatch } from './fixtures/lambda-events';
import { fromConfigurationSet, SES_EVENT_FIXTURES } from './fixtures/ses-events';
import { sesReceiptEvent } from './fixtures/ses-receipt-event';
import { type LambdaFunction, lambdaFunctions, referencedId, resourcesOfType, type SynthesizedStack } from './stack';
import { STAND_IN_SECRET } from './stand-ins';

/** One invocation of a shipped handler with a sample event, and what it must answer. */
export interface SampleEvent {
  name: string;
  event: unknown;
  /** Checks the answer; returns what is wrong, or undefined. */
  expect?: (result: unknown) => string | undefined;
}

export interface HandlerRun {
  function: string;
  /** The trigger(s) the template gives it, and how many events it answered. */
  detail: string;
  ok: boolean;
  problems: string[];
}

export interface LocalServices {
  dynamoEndpoint: string;
  sesEndpoint: string;
  secretsEndpoint: string;
  sqsEndpoint: string;
  /** Serves the stored raw email for S3 GetObject (the inbound function). */
  s3Endpoint?: string;
  /** A table on DynamoDB Local with the stack's key schema, for TABLE_NAME. */
  tableName: string;
  /** Where the bundles record their AWS calls. */
  recordingDir: string;
}

/**
 * As Lambda's Node.js runtime loads a handler: `index.handler` names the module `index` in the
 * task root (index.js, index.mjs or index.cjs) and its export `handler`. Each function runs in a
 * child process with exactly its template environment (values resolved, the table and endpoints
 * pointed at the local services), so a wrong handler string or a missing setting fails here.
 */
const RUNNER = `
const fs = require('node:fs');
const [file, exportName, eventsFile, outFile, timeoutMs] = process.argv.slice(1);
const write = (value) => { fs.writeFileSync(outFile, JSON.stringify(value)); process.exit(0); };
(async () => {
  let handler;
  try {
    // CommonJS is required, an ES module imported, as the runtime does for each.
    const loaded = file.endsWith('.mjs') ? await import(require('node:url').pathToFileURL(file).href) : require(file);
    handler = loaded && loaded[exportName];
  } catch (error) {
    write({ loadError: String((error && error.stack) || error).split('\\n').slice(0, 4).join('\\n') });
  }
  if (typeof handler !== 'function') write({ loadError: exportName + ' is not a function exported by ' + file });
  const events = JSON.parse(fs.readFileSync(eventsFile, 'utf8'));
  const results = [];
  for (const sample of events) {
    const started = Date.now();
    const context = {
      awsRequestId: 'rehearsal-' + results.length, functionName: process.env.POWERTOOLS_SERVICE_NAME,
      getRemainingTimeInMillis: () => Number(timeoutMs) - (Date.now() - started), callbackWaitsForEmptyEventLoop: true,
    };
    try {
      results.push({ name: sample.name, ok: true, result: await handler(sample.event, context) });
    } catch (error) {
      results.push({ name: sample.name, ok: false, error: String((error && error.stack) || error).split('\\n').slice(0, 3).join(' | ') });
    }
  }
  write({ results });
})();
`;

/** The module file Lambda would load for a handler string, or why there is none. */
export function handlerModule(
  assetDir: string,
  handler: string,
  runtime = 'nodejs',
): { file?: string; exportName: string; problem?: string } {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) return { exportName: handler, problem: `handler "${handler}" is not <module>.<export>` };
  const module = handler.slice(0, dot);
  const exportName = handler.slice(dot + 1);
  const extensions = runtime.startsWith('python') ? ['.py'] : ['.js', '.mjs', '.cjs'];
  for (const extension of extensions) {
    const file = join(assetDir, `${module}${extension}`);
    if (existsSync(file)) return { file, exportName };
  }
  return {
    exportName,
    problem: `handler "${handler}": no ${extensions.map((e) => module + e).join(' or ')} in the asset`,
  };
}

const statusBelow500 = (result: unknown) => {
  const status = (result as { statusCode?: number } | undefined)?.statusCode;
  return typeof status === 'number' && status < 500 ? undefined : `answered ${JSON.stringify(status ?? result)}`;
};

/** Sample events for each trigger the template gives a function. */
export function sampleEvents(
  stack: SynthesizedStack,
  fn: LambdaFunction,
  tableHint: { leadEmail: string },
): SampleEvent[] {
  const { resolver } = stack;
  const samples: SampleEvent[] = [];
  const env = (name: string) => (name in fn.environment ? resolver.resolveString(fn.environment[name]) : undefined);

  const integrations = new Set(
    resourcesOfType(stack, 'AWS::ApiGatewayV2::Integration')
      .filter(([, integration]) => referencedId(integration.Properties?.IntegrationUri) === fn.logicalId)
      .map(([id]) => id),
  );
  const authorizers = Object.fromEntries(resourcesOfType(stack, 'AWS::ApiGatewayV2::Authorizer'));
  for (const [, route] of resourcesOfType(stack, 'AWS::ApiGatewayV2::Route')) {
    // The route's Target is "integrations/" joined with a Ref to the integration.
    const target = JSON.stringify(route.Properties?.Target);
    if (![...integrations].some((id) => target.includes(`"${id}"`))) continue;
    const routeKey = String(route.Properties?.RouteKey);
    const [method, pathTemplate] = routeKey.split(' ') as [string, string];
    const pathParameters: Record<string, string> = {};
    const path = pathTemplate.replace(/\{(\w+)\}/g, (_whole, name: string) => {
      pathParameters[name] = name === 'sequenceId' ? (env('DEFAULT_SEQUENCE_ID') ?? 'sample') : `rehearsal-${name}`;
      return pathParameters[name];
    });
    let claims: Record<string, string> | undefined;
    if (route.Properties?.AuthorizationType === 'JWT') {
      const authorizer = authorizers[referencedId(route.Properties?.AuthorizerId) ?? ''];
      const jwt = resolver.resolve(authorizer?.Properties?.JwtConfiguration) as { Issuer: string; Audience: string[] };
      claims = cognitoClaims(method === 'GET' ? 'access' : 'id', jwt.Issuer, jwt.Audience[0] ?? 'client', ['admin']);
    }
    const body =
      routeKey === 'POST /leads'
        ? JSON.stringify(sampleLead(tableHint.leadEmail))
        : method === 'GET' || method === 'DELETE'
          ? undefined
          : '{}';
    samples.push({
      name: routeKey,
      event: httpApiRequest({
        routeKey,
        path,
        ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
        headers: { 'content-type': 'application/json', origin: env('SITE_URL') ?? 'https://example.com' },
        ...(body !== undefined ? { body } : {}),
        ...(claims ? { claims } : {}),
      }),
      expect: statusBelow500,
    });
  }

  for (const [, schedule] of resourcesOfType(stack, 'AWS::Scheduler::Schedule')) {
    const targetProps = schedule.Properties?.Target as { Arn?: unknown; Input?: unknown } | undefined;
    if (referencedId(targetProps?.Arn) !== fn.logicalId) continue;
    const input = targetProps?.Input === undefined ? undefined : resolver.resolveString(targetProps.Input);
    samples.push({
      name: `Scheduler (${String(schedule.Properties?.ScheduleExpression)})`,
      event: schedulerInvocation(input),
    });
  }

  for (const [, mapping] of resourcesOfType(stack, 'AWS::Lambda::EventSourceMapping')) {
    if (referencedId(mapping.Properties?.FunctionName) !== fn.logicalId) continue;
    const queueArn = resolver.resolveString(mapping.Properties?.EventSourceArn);
    if (mapping.Properties?.StartingPosition) {
      samples.push(streamSample(queueArn, mapping.Properties?.FilterCriteria, tableHint.leadEmail));
      continue;
    }
    // The first step of the lead the capture sample stored, as the dispatcher would queue it.
    const work = JSON.stringify({
      kind: 'step',
      // The identity key is the stand-in's secret, as the capture sample's function read it.
      leadId: leadIdFor(tableHint.leadEmail, decodeKey(STAND_IN_SECRET)),
      sequenceId: env('DEFAULT_SEQUENCE_ID') ?? 'sample',
      stepIndex: 0,
      dueAt: new Date().toISOString(),
    });
    samples.push({
      name: 'SQS batch (the documented body, and the first step of the sample lead)',
      event: sqsBatch(queueArn, ['Test message.', work]),
      expect: (result) => {
        const failures = (result as { batchItemFailures?: { itemIdentifier: string }[] } | undefined)
          ?.batchItemFailures;
        return Array.isArray(failures)
          ? undefined
          : `answered ${JSON.stringify(result)} instead of a partial batch response`;
      },
    });
  }

  const configurationSet = configurationSetName(stack);
  for (const [, rule] of resourcesOfType(stack, 'AWS::Events::Rule')) {
    const targets = (rule.Properties?.Targets ?? []) as { Arn?: unknown }[];
    if (!targets.some((target) => referencedId(target.Arn) === fn.logicalId)) continue;
    for (const fixture of SES_EVENT_FIXTURES) {
      const event = withPipelineTags(fromConfigurationSet(fixture.event, configurationSet ?? 'ConfigSet'));
      samples.push({
        name: `SES ${fixture.name}`,
        event,
        expect: (result) => {
          const counts = result as { handled?: number; ignored?: number } | undefined;
          const got = counts?.handled === 1 ? 'handled' : counts?.ignored === 1 ? 'ignored' : JSON.stringify(result);
          return got === fixture.expect ? undefined : `${fixture.name}: expected ${fixture.expect}, got ${got}`;
        },
      });
    }
  }
  for (const [, rule] of resourcesOfType(stack, 'AWS::SES::ReceiptRule')) {
    const props = rule.Properties?.Rule as {
      Recipients?: string[];
      Actions?: { LambdaAction?: { FunctionArn?: unknown } }[];
    };
    const action = props?.Actions?.find(
      (candidate) => referencedId(candidate.LambdaAction?.FunctionArn) === fn.logicalId,
    );
    if (!action) continue;
    const recipient = `someone@${resolver.resolveString(props.Recipients?.[0] ?? 'example.com')}`;
    samples.push({
      name: 'SES receipt (Lambda action, the documented event)',
      event: sesReceiptEvent(recipient, resolver.resolveString({ 'Fn::GetAtt': [fn.logicalId, 'Arn'] })),
      expect: (result) => {
        const kinds = (result as { results?: { kind: string }[] } | undefined)?.results?.map((entry) => entry.kind);
        return kinds?.length === 1 && kinds[0] !== 'missing'
          ? undefined
          : `answered ${JSON.stringify(result)} instead of one handled message`;
      },
    });
  }
  return samples;
}

/**
 * A table stream mapping (the capture mailer's, the outgoing webhooks' consumer's): an INSERT
 * for the sample lead as Lambda hands it over, the first of these that passes the mapping's own
 * filter: a capture-email intent (the capture mailer's work), then the lead item (a
 * `lead.created` for the webhooks). The handler must answer with a partial batch response.
 */
function streamSample(streamArn: string, filterCriteria: unknown, leadEmail: string): SampleEvent {
  const leadId = leadIdFor(leadEmail, decodeKey(STAND_IN_SECRET));
  const candidates = [
    {
      what: 'a capture-email intent',
      image: {
        pk: { S: `LEAD#${leadId}` },
        sk: { S: 'EMAIL#rehearsal#staff-notification' },
        type: { S: 'capture-email' },
        leadId: { S: leadId },
        submissionId: { S: 'rehearsal' },
        kind: { S: 'staff-notification' },
        status: { S: 'pending' },
      },
    },
    {
      what: 'a lead',
      image: {
        pk: { S: `LEAD#${leadId}` },
        sk: { S: 'PROFILE' },
        type: { S: 'lead' },
        leadId: { S: leadId },
        status: { S: 'active' },
        createdAt: { S: new Date().toISOString() },
      },
    },
  ].map(({ what, image }) => ({
    what,
    record: {
      eventID: 'rehearsal-1',
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      eventSourceARN: streamArn,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
        Keys: { pk: image.pk, sk: image.sk },
        NewImage: image,
        SequenceNumber: '100000000000000000001',
        SizeBytes: 200,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    },
  }));
  const patterns = ((filterCriteria as { Filters?: { Pattern?: string }[] } | undefined)?.Filters ?? []).map(
    (filter) => JSON.parse(String(filter.Pattern)) as Record<string, unknown>,
  );
  const passes = (record: Record<string, unknown>) =>
    patterns.length === 0 || patterns.some((pattern) => matchesPattern(pattern, record));
  const chosen = candidates.find((candidate) => passes(candidate.record)) ?? candidates[0]!;
  return {
    name: `DynamoDB stream INSERT of ${chosen.what} (through the mapping’s filter)`,
    event: { Records: [chosen.record] },
    expect: (result) => {
      if (!passes(chosen.record))
        return 'the mapping’s filter drops every sample INSERT (a capture-email intent, a lead)';
      const failures = (result as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures;
      return Array.isArray(failures)
        ? undefined
        : `answered ${JSON.stringify(result)} instead of a partial batch response`;
    },
  };
}

/** The tags the sender puts on each step email (functions/drip/step-email.ts), so events find their step. */
export function withPipelineTags<T extends { detail: Record<string, unknown> }>(event: T): T {
  const mail = event.detail.mail as { tags: Record<string, string[]> };
  mail.tags = {
    ...mail.tags,
    kind: ['step'],
    lead: ['rehearsal-lead'],
    sequence: ['rehearsal-sequence'],
    step: ['s1'],
    variant: ['a'],
  };
  return event;
}

export function configurationSetName(stack: SynthesizedStack): string | undefined {
  const [entry] = resourcesOfType(stack, 'AWS::SES::ConfigurationSet');
  return entry ? stack.resolver.resolveString({ Ref: entry[0] }) : undefined;
}

function sampleLead(email: string) {
  return {
    firstName: 'Sample',
    email,
    interests: ['fraxel-aftercare'],
    preferredContact: 'email',
    consent: true,
    consentVersion: '2026-11-01',
    timeZone: 'America/New_York',
    landingPath: '/',
  };
}

const PROCESS_ENV = (region: string) => ({
  PATH: process.env.PATH ?? '',
  AWS_REGION: region,
  AWS_DEFAULT_REGION: region,
  AWS_ACCESS_KEY_ID: 'rehearsal',
  AWS_SECRET_ACCESS_KEY: 'rehearsal',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});

/** The environment Lambda would give the function, with the local services in place of AWS. */
export function localEnvironment(stack: SynthesizedStack, fn: LambdaFunction, services: LocalServices) {
  const variables = Object.fromEntries(
    Object.entries(fn.environment).map(([name, value]) => [name, stack.resolver.resolveString(value)]),
  );
  return {
    ...PROCESS_ENV(stack.resolver.region),
    ...variables,
    ...('TABLE_NAME' in variables ? { TABLE_NAME: services.tableName } : {}),
    DYNAMODB_ENDPOINT: services.dynamoEndpoint,
    SES_ENDPOINT: services.sesEndpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: services.secretsEndpoint,
    AWS_ENDPOINT_URL_SQS: services.sqsEndpoint,
    ...(services.s3Endpoint ? { AWS_ENDPOINT_URL_S3: services.s3Endpoint } : {}),
    // Quiet, and no event ever logged; the answers are what is checked.
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    [RECORDING_VARIABLE]: services.recordingDir,
  };
}

export async function runHandler(
  stack: SynthesizedStack,
  cdkOut: string,
  fn: LambdaFunction,
  services: LocalServices,
  samples: SampleEvent[],
): Promise<HandlerRun> {
  const run: HandlerRun = { function: fn.label, detail: '', ok: false, problems: [] };
  if (!fn.assetPath) {
    run.problems.push('no asset in cdk.out (aws:asset:path missing)');
    return run;
  }
  const assetDir = join(cdkOut, fn.assetPath);
  const module = handlerModule(assetDir, fn.handler, fn.runtime);
  if (!module.file) {
    run.problems.push(module.problem ?? 'handler not found');
    return run;
  }
  if (!fn.runtime.startsWith('nodejs')) {
    // CDK's own Python handler (the site deployment): present and named as its Handler says.
    const source = readFileSync(module.file, 'utf8');
    run.ok = new RegExp(`def ${module.exportName}\\(`).test(source);
    run.detail = `${fn.runtime}: ${fn.handler} found in the asset (not invoked: CDK's own handler)`;
    if (!run.ok) run.problems.push(`${fn.handler}: no function ${module.exportName} in ${module.file}`);
    return run;
  }
  if (samples.length === 0) {
    run.problems.push('no trigger in the template (no route, schedule, rule or event source mapping)');
    return run;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'rehearse-'));
  try {
    const eventsFile = join(scratch, 'events.json');
    const outFile = join(scratch, 'out.json');
    writeFileSync(eventsFile, JSON.stringify(samples.map(({ name, event }) => ({ name, event }))));
    const timeoutMs = Number(fn.resource.Properties?.Timeout ?? 3) * 1000;
    const child = await runNode(
      ['-e', RUNNER, module.file, module.exportName, eventsFile, outFile, String(timeoutMs)],
      localEnvironment(stack, fn, services),
    );
    if (!existsSync(outFile)) {
      run.problems.push(
        `the process ended (${child.code}) without an answer: ${child.err.trim().split('\n').slice(0, 3).join(' | ')}`,
      );
      return run;
    }
    const output = JSON.parse(readFileSync(outFile, 'utf8')) as {
      loadError?: string;
      results?: { name: string; ok: boolean; result?: unknown; error?: string }[];
    };
    if (output.loadError) {
      run.problems.push(`does not load: ${output.loadError}`);
      return run;
    }
    for (const [index, answer] of (output.results ?? []).entries()) {
      const sample = samples[index]!;
      if (!answer.ok) run.problems.push(`${answer.name}: unhandled error ${answer.error}`);
      else {
        const wrong = sample.expect?.(answer.result);
        if (wrong) run.problems.push(`${answer.name}: ${wrong}`);
      }
    }
    const kinds = [...new Set(samples.map((sample) => sample.name.split(' ')[0]))].join(', ');
    run.detail = `${samples.length} events (${kinds}) to ${fn.handler}: ${summarize(output.results ?? [])}`;
    run.ok = run.problems.length === 0;
    return run;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Every function of the stack, the capture first (its lead gives the others something to find). */
export function functionsToRun(stack: SynthesizedStack): LambdaFunction[] {
  return lambdaFunctions(stack).sort((a, b) => Number(b.label === 'capture') - Number(a.label === 'capture'));
}

/** "202×1" for HTTP answers, "handled×6, ignored×5" for event counts, "1 batch failure" for SQS. */
function summarize(results: { ok: boolean; result?: unknown }[]): string {
  const tally = new Map<string, number>();
  for (const { ok, result } of results) {
    const answer = result as Record<string, unknown> | undefined;
    const key = !ok
      ? 'error'
      : typeof answer?.statusCode === 'number'
        ? String(answer.statusCode)
        : Array.isArray(answer?.batchItemFailures)
          ? `${answer.batchItemFailures.length} of the batch failed`
          : answer?.handled === 1
            ? 'handled'
            : answer?.ignored === 1
              ? 'ignored'
              : 'answered';
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  return [...tally].map(([key, count]) => (count > 1 ? `${key}×${count}` : key)).join(', ');
}
