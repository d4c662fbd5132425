import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { ADMIN_ROUTES_LIST } from '../../functions/admin/routes';
import { bookedEnvSchema, unsubscribeEnvSchema } from '../../functions/config/env';
import { PUBLIC_ROUTES } from '../../functions/http/public-routes';
import { type Synthesized, synth } from './synth';
import {
  environmentOf,
  expectEnvironmentFor,
  logicalId,
  policyStatementsOf,
  type Resource,
  resourceOf,
} from './template';

const LOGS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const SECRET_READ = ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'];

describe('public routes of the drip engine', () => {
  let s: Synthesized;
  const resolve = (value: unknown) => s.stack.resolve(value);
  beforeAll(() => {
    s = synth();
  });

  /** The function a route key reaches, through its integration. */
  function functionBehind(routeKey: string): unknown {
    const routes = Object.values(
      s.template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: routeKey } }),
    ) as Resource[];
    expect(routes).toHaveLength(1);
    const route = routes[0]!.Properties;
    expect(route.AuthorizationType ?? 'NONE').toBe('NONE');
    const target = route.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
    const integrationId = target['Fn::Join'][1][1].Ref;
    const integration = (s.template.toJSON().Resources as Record<string, Resource>)[integrationId]!;
    expect(integration.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    return integration.Properties.IntegrationUri;
  }

  const arnOf = (fn: IFunction) => resolve(fn.functionArn);

  it('routes GET and POST /u/{token} to the unsubscribe function', () => {
    expect(functionBehind('GET /u/{token}')).toEqual(arnOf(s.stack.unsubscribe.function.fn));
    expect(functionBehind('POST /u/{token}')).toEqual(arnOf(s.stack.unsubscribe.function.fn));
  });

  it('serves exactly the declared public routes and admin routes, nothing else', () => {
    // Single opt-in (the default) deploys no confirmation route; test/infra/confirm-opt-in.test.ts covers double.
    const { confirmOptIn: _onlyWithDoubleOptIn, ...publicRoutes } = PUBLIC_ROUTES;
    const declared = [
      ...Object.values(publicRoutes).flatMap((route) => route.methods.map((method) => `${method} ${route.path}`)),
      ...ADMIN_ROUTES_LIST.map((route) => route.routeKey),
    ];
    const routeKeys = Object.values(s.template.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) => (route as Resource).Properties.RouteKey,
    );
    expect([...routeKeys].sort()).toEqual([...declared].sort());
  });

  it('routes POST /webhooks/booked to the booked function', () => {
    expect(functionBehind('POST /webhooks/booked')).toEqual(arnOf(s.stack.booked.function.fn));
  });

  it('acknowledges each public route with the reason that route needs no authorizer', () => {
    const apig4 = s.acknowledgements.filter((ack) => ack.id.endsWith('AwsSolutions-APIG4'));
    const reasonFor = (pathPart: string) => apig4.find((ack) => ack.path.endsWith(pathPart))?.reason;
    expect(reasonFor('/GET--u--{token}')).toMatch(/RFC 8058.*HMAC-signed token/s);
    expect(reasonFor('/POST--u--{token}')).toBe(reasonFor('/GET--u--{token}'));
    expect(reasonFor('/POST--webhooks--booked')).toMatch(/HMAC-SHA256 signature/);
    expect(reasonFor('/POST--leads')).toMatch(/honeypot/);
  });

  it('lets the unsubscribe function read items, query a lead’s partition, update, and read the link-signing and identity keys, nothing more', () => {
    const { unsubscribe, data, signingKey } = s.stack;
    expect(policyStatementsOf(s, unsubscribe.function.fn.role!)).toEqual([
      { Effect: 'Allow', Action: LOGS, Resource: resolve(unsubscribe.function.logGroup.logGroupArn) },
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
        Resource: resolve(data.table.tableArn),
      },
      {
        Effect: 'Allow',
        Action: SECRET_READ,
        Resource: [resolve(data.identityKey.secret.secretArn), resolve(signingKey.secret.secretArn)],
      },
    ]);
    expectEnvironmentFor(s, unsubscribe.function.fn, unsubscribeEnvSchema);
  });

  it('lets the booked function read items, query a lead’s partition, update, and read the webhook and identity keys (not the link-signing key), nothing more', () => {
    const { booked, data } = s.stack;
    expect(policyStatementsOf(s, booked.function.fn.role!)).toEqual([
      { Effect: 'Allow', Action: LOGS, Resource: resolve(booked.function.logGroup.logGroupArn) },
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
        Resource: resolve(data.table.tableArn),
      },
      {
        Effect: 'Allow',
        Action: SECRET_READ,
        Resource: [resolve(booked.webhookKey.secret.secretArn), resolve(data.identityKey.secret.secretArn)],
      },
    ]);
    expectEnvironmentFor(s, booked.function.fn, bookedEnvSchema);
    expect(environmentOf(s, booked.function.fn).WEBHOOK_SECRET_ARN).toEqual(
      resolve(booked.webhookKey.secret.secretArn),
    );
  });

  it('generates the webhook key at deploy in its own secret, keeps it on delete, and names it in an output', () => {
    const { booked, signingKey } = s.stack;
    const secret = resourceOf(s, booked.webhookKey.secret);
    expect(secret.DeletionPolicy).toBe('Retain');
    expect(secret.UpdateReplacePolicy).toBe('Retain');
    expect(secret.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64 });
    expect(secret.Properties.SecretString).toBeUndefined();
    expect(logicalId(s, booked.webhookKey.secret)).not.toBe(logicalId(s, signingKey.secret));
    const outputs = Object.values(s.template.findOutputs('*')) as { Value: unknown; Description?: string }[];
    const named = outputs.filter(
      (output) => JSON.stringify(output.Value) === JSON.stringify(resolve(booked.webhookKey.secret.secretArn)),
    );
    expect(named).toHaveLength(1);
    expect(named[0]!.Description).toMatch(/scheduling tool/);
  });

  it('keeps the route key, never the token path, in the access logs', () => {
    const [stage] = Object.values(s.template.findResources('AWS::ApiGatewayV2::Stage')) as Resource[];
    const format = (stage!.Properties.AccessLogSettings as { Format: string }).Format;
    expect(JSON.parse(format)).toMatchObject({ routeKey: '$context.routeKey' });
    expect(format).not.toMatch(/\$context\.(path|resourcePath|requestOverride)|pathParameters|token/i);
  });
});
