import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration, Stage } from 'aws-cdk-lib';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { DUE_INDEX } from '../../functions/adapters/dynamodb/table-schema';
import { GROUPS } from '../../functions/admin/contract';
import { ADMIN_ROUTES_LIST, COMPOSE_ROUTE_KEYS } from '../../functions/admin/routes';
import { adminComposeEnvSchema, adminEnvSchema, baseEnvSchema } from '../../functions/config/env';
import { deployConfig, hostedUiPrefix } from '../../infra/config';
import { adminRoutes, LOCAL_LOGIN_ROUTE } from '../../infra/constructs/admin-api';
import { ADMIN_API_PATH_PATTERN, CONSOLE_CONFIG_KEY, CONSOLE_PATH_PATTERN } from '../../infra/constructs/site';
import { parseConsoleConfig } from '../../web/console/src/config';
import { type Synthesized, synth } from './synth';
import {
  environmentOf,
  expectEnvironmentFor,
  logicalId,
  policyStatementsOf,
  type Resource,
  resourceOf,
  type Statement,
} from './template';

const LOGS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
/** Managed-AllViewerExceptHostHeader: with caching disabled, CloudFront forwards Authorization too. */
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const WEB_ACL_ARN =
  'arn:aws:wafv2:us-east-1:111111111111:global/webacl/SiteFirewall/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';

type Behavior = {
  PathPattern: string;
  TargetOriginId: string;
  AllowedMethods?: string[];
  CachePolicyId: string;
  OriginRequestPolicyId?: string;
  ResponseHeadersPolicyId: unknown;
  ViewerProtocolPolicy: string;
  FunctionAssociations?: { EventType: string; FunctionARN: unknown }[];
};
type DistributionConfig = {
  DefaultCacheBehavior: Behavior;
  CacheBehaviors: Behavior[];
  Origins: { Id: string; DomainName: unknown; S3OriginConfig?: unknown }[];
};

describe('the marketing console with the default settings', () => {
  let s: Synthesized;
  const resolve = (value: unknown) => s.stack.resolve(value);
  beforeAll(() => {
    s = synth();
  });

  describe('Cognito user pool', () => {
    let pool: Resource;
    beforeAll(() => {
      pool = resourceOf(s, s.stack.consoleAuth.userPool);
    });

    it('lets only an administrator create accounts, with the email address as the user name', () => {
      expect(pool.Properties.AdminCreateUserConfig).toMatchObject({ AllowAdminCreateUserOnly: true });
      expect(pool.Properties.UsernameAttributes).toEqual(['email']);
      expect(pool.Properties.UsernameConfiguration).toEqual({ CaseSensitive: false });
      expect(pool.Properties.AccountRecoverySetting).toEqual({
        RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }],
      });
    });

    it('asks for a strong password and a TOTP authenticator from every user, with threat protection enforced', () => {
      expect(pool.Properties.Policies).toEqual({
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
          PasswordHistorySize: 5,
          TemporaryPasswordValidityDays: 3,
        },
      });
      expect(pool.Properties.MfaConfiguration).toBe('ON');
      expect(pool.Properties.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
      expect(pool.Properties.UserPoolTier).toBe('PLUS');
      expect(pool.Properties.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
    });

    it('is kept on stack delete and protected from deletion', () => {
      expect(pool.DeletionPolicy).toBe('Retain');
      expect(pool.UpdateReplacePolicy).toBe('Retain');
      expect(pool.Properties.DeletionProtection).toBe('ACTIVE');
    });

    it('has exactly the groups the admin API authorizes by, marketing and admin', () => {
      const groups = Object.values(s.template.findResources('AWS::Cognito::UserPoolGroup')) as Resource[];
      expect(groups.map((group) => group.Properties.GroupName).sort()).toEqual([...GROUPS].sort());
      expect([...GROUPS].sort()).toEqual(['admin', 'marketing']);
      for (const group of groups) {
        expect(group.Properties.UserPoolId).toEqual({ Ref: logicalId(s, s.stack.consoleAuth.userPool) });
      }
    });

    it('serves the Hosted UI on the configured prefix', () => {
      expect(resourceOf(s, s.stack.consoleAuth.domain).Properties).toEqual({
        Domain: deployConfig.console.domainPrefix,
        UserPoolId: { Ref: logicalId(s, s.stack.consoleAuth.userPool) },
      });
      expect(deployConfig.console.domainPrefix).toBe('tampa-bay-plastic-surgery-console');
    });
  });

  describe('console app client', () => {
    let client: Resource['Properties'];
    beforeAll(() => {
      client = resourceOf(s, s.stack.consoleAuth.client).Properties;
    });

    it('is a public client: authorization code only (PKCE), no secret, no implicit or client-credentials grant', () => {
      expect(client.GenerateSecret).toBe(false);
      expect(client.AllowedOAuthFlows).toEqual(['code']);
      expect(client.AllowedOAuthFlowsUserPoolClient).toBe(true);
      expect(client.AllowedOAuthScopes).toEqual(['openid', 'email']);
      expect(client.SupportedIdentityProviders).toEqual(['COGNITO']);
      // Sign-in through the Hosted UI only: no SRP or password flow on the API.
      expect(client.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
      expect(client.PreventUserExistenceErrors).toBe('ENABLED');
    });

    it('returns to the console’s own URL after sign-in and sign-out, and nowhere else', () => {
      const consoleUrl = resolve(s.stack.site.consoleUrl);
      expect(client.CallbackURLs).toEqual([consoleUrl]);
      expect(client.LogoutURLs).toEqual([consoleUrl]);
      expect(JSON.stringify(consoleUrl)).toMatch(
        /"https:\/\/",\{"Fn::GetAtt":\["SiteDistribution\w+","DomainName"\]\},"\/console\/"/,
      );
    });

    it('lets the console renew its tokens with a refresh token for the session length, which sign-out can revoke', () => {
      const { sessionLength, tokenValidity } = deployConfig.console;
      expect(client.ExplicitAuthFlows).toContain('ALLOW_REFRESH_TOKEN_AUTH');
      expect(client.EnableTokenRevocation).toBe(true);
      expect(client).toMatchObject({
        RefreshTokenValidity: sessionLength.toMinutes(),
        // Equal: the console renews by the access token's expiry and sends the ID token.
        AccessTokenValidity: tokenValidity.toMinutes(),
        IdTokenValidity: tokenValidity.toMinutes(),
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
      });
      // Deliberate values: a working day signed in, and a disabled account's last token dead in 15 minutes.
      expect([sessionLength.toHours(), tokenValidity.toMinutes()]).toEqual([12, 15]);
    });
  });

  describe('admin routes', () => {
    let resources: Record<string, Resource>;
    let authorizerId: string;
    beforeAll(() => {
      resources = s.template.toJSON().Resources as Record<string, Resource>;
      const authorizers = s.template.findResources('AWS::ApiGatewayV2::Authorizer') as Record<string, Resource>;
      expect(Object.keys(authorizers)).toHaveLength(1);
      authorizerId = Object.keys(authorizers)[0]!;
    });

    const routesMatching = (test: (key: string) => boolean) =>
      (Object.values(s.template.findResources('AWS::ApiGatewayV2::Route')) as Resource[]).filter((route) =>
        test(route.Properties.RouteKey as string),
      );

    it('checks tokens issued by the console user pool to the console client, from the Authorization header', () => {
      const { consoleAuth } = s.stack;
      expect(resources[authorizerId]!.Properties).toEqual({
        ApiId: resolve(s.stack.api.httpApi.apiId),
        AuthorizerType: 'JWT',
        IdentitySource: ['$request.header.Authorization'],
        JwtConfiguration: {
          Audience: [resolve(consoleAuth.client.userPoolClientId)],
          Issuer: resolve(`https://cognito-idp.${s.stack.region}.amazonaws.com/${consoleAuth.userPool.userPoolId}`),
        },
        Name: 'ConsoleUsers',
      });
      // The console is configured with the same issuer (console-config.json below).
      expect(resolve(consoleAuth.issuer)).toEqual(
        (resources[authorizerId]!.Properties.JwtConfiguration as { Issuer: unknown }).Issuer,
      );
    });

    it('deploys every route of ADMIN_ROUTES_LIST and no other /admin route', () => {
      const deployed = routesMatching((key) => key.includes('/admin')).map((route) => route.Properties.RouteKey);
      expect(deployed.sort()).toEqual(ADMIN_ROUTES_LIST.map((route) => route.routeKey).sort());
      expect(ADMIN_ROUTES_LIST.length).toBeGreaterThanOrEqual(18);
    });

    it('puts the JWT authorizer on every admin route and sends each to the function routes.ts names', () => {
      const arns = {
        admin: resolve(s.stack.admin.function.fn.functionArn),
        'admin-compose': resolve(s.stack.admin.composeFunction.fn.functionArn),
      };
      for (const { routeKey, fn } of ADMIN_ROUTES_LIST) {
        const [route, ...others] = routesMatching((key) => key === routeKey);
        expect(others).toEqual([]);
        expect({
          routeKey,
          type: route!.Properties.AuthorizationType,
          authorizer: route!.Properties.AuthorizerId,
        }).toEqual({ routeKey, type: 'JWT', authorizer: { Ref: authorizerId } });
        const target = route!.Properties.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
        const integration = resources[target['Fn::Join'][1][1].Ref]!.Properties;
        expect({ routeKey, integration }).toMatchObject({
          routeKey,
          integration: { IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0', IntegrationUri: arns[fn] },
        });
      }
    });

    it('sends exactly the routes that compile a draft to admin-compose, and the rest to admin', () => {
      const compose = ADMIN_ROUTES_LIST.filter((route) => route.fn === 'admin-compose').map((route) => route.routeKey);
      expect(compose.sort()).toEqual([...COMPOSE_ROUTE_KEYS].sort());
      expect(compose.sort()).toEqual([
        'POST /admin/api/sequences/{sequenceId}/preview',
        'POST /admin/api/sequences/{sequenceId}/publish',
        'POST /admin/api/sequences/{sequenceId}/test-send',
        'PUT /admin/api/sequences/{sequenceId}/draft',
      ]);
      expect(ADMIN_ROUTES_LIST.filter((route) => route.fn === 'admin').length).toBe(ADMIN_ROUTES_LIST.length - 4);
    });

    it('never deploys the local stack’s login route', () => {
      expect(routesMatching((key) => key === LOCAL_LOGIN_ROUTE || key.endsWith('/admin/api/login'))).toEqual([]);
      expect(() =>
        adminRoutes([
          ...ADMIN_ROUTES_LIST,
          { method: 'POST', path: '/admin/api/login', routeKey: LOCAL_LOGIN_ROUTE, fn: 'admin' },
        ]),
      ).toThrow(/local stack's login/);
      expect(() =>
        adminRoutes([{ method: 'GET', path: '/leads/export', routeKey: 'GET /leads/export', fn: 'admin' }]),
      ).toThrow(/not a method under \/admin\/api/);
    });

    it('lets the API invoke each admin function for its own admin routes only', () => {
      for (const [fn, app] of [
        ['admin', s.stack.admin.function],
        ['admin-compose', s.stack.admin.composeFunction],
      ] as const) {
        const permissions = (Object.values(s.template.findResources('AWS::Lambda::Permission')) as Resource[]).filter(
          (permission) => JSON.stringify(permission.Properties.FunctionName).includes(logicalId(s, app.fn)),
        );
        const routes = ADMIN_ROUTES_LIST.filter((route) => route.fn === fn);
        expect({ fn, permissions: permissions.length }).toEqual({ fn, permissions: routes.length });
        for (const permission of permissions) {
          expect(permission.Properties.Principal).toBe('apigateway.amazonaws.com');
          expect(JSON.stringify(permission.Properties.SourceArn)).toMatch(/\/admin\/api\//);
        }
      }
    });
  });

  describe('admin function', () => {
    it('runs with 1024 MB and a timeout under API Gateway’s 30 s, logging to its own group for the configured retention', () => {
      const { admin } = s.stack;
      const fn = resourceOf(s, admin.function.fn).Properties;
      expect(fn).toMatchObject({
        MemorySize: 1024,
        Timeout: 29,
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        LoggingConfig: { LogGroup: { Ref: logicalId(s, admin.function.logGroup) } },
      });
      expect(resourceOf(s, admin.function.logGroup).Properties.RetentionInDays).toBe(30);
    });

    it('may use exactly the DynamoDB calls of its adapters, read the identity key, read the send quota and take an erased address off SES’s suppression list, nothing more (no email: test sends are admin-compose’s)', () => {
      const { admin, data } = s.stack;
      const statements = policyStatementsOf(s, admin.function.fn.role!);
      expect(statements).toEqual([
        { Effect: 'Allow', Action: LOGS, Resource: resolve(admin.function.logGroup.logGroupArn) },
        {
          Effect: 'Allow',
          Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
          Resource: resolve(data.identityKey.secret.secretArn),
        },
        {
          Effect: 'Allow',
          Action: [
            'dynamodb:BatchGetItem',
            'dynamodb:BatchWriteItem',
            'dynamodb:DeleteItem',
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:Query',
            'dynamodb:Scan',
            'dynamodb:UpdateItem',
          ],
          Resource: resolve(data.table.tableArn),
        },
        {
          Effect: 'Allow',
          Action: 'dynamodb:Query',
          Resource: [resolve(data.indexArn('due')), resolve(data.indexArn('list'))],
        },
        { Effect: 'Allow', Action: ['ses:DeleteSuppressedDestination', 'ses:GetAccount'], Resource: '*' },
        // "Send test event" puts one delivery on the outgoing webhooks' queue.
        {
          Effect: 'Allow',
          Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
          Resource: resolve(s.stack.webhooks.queue.queueArn),
        },
      ]);
    });

    it('names its resources: no table or index wildcard, and "*" only for the account-level SES actions', () => {
      const statements = policyStatementsOf(s, s.stack.admin.function.fn.role!);
      const resources = (statement: Statement) =>
        [statement.Resource].flat().map((resource) => JSON.stringify(resource));
      const accountLevel = (statement: Statement) => [statement.Resource].flat().includes('*');
      for (const statement of statements.filter((candidate) => !accountLevel(candidate))) {
        for (const resource of resources(statement)) expect(resource).not.toContain('*');
      }
      expect(statements.filter(accountLevel)).toEqual([
        { Effect: 'Allow', Action: ['ses:DeleteSuppressedDestination', 'ses:GetAccount'], Resource: '*' },
      ]);
      // The one secret it reads is the identity key (lead ids of imports, suppression hashes).
      const secrets = statements.filter((statement) => JSON.stringify(statement).includes('secretsmanager:'));
      expect(secrets.map((statement) => statement.Resource)).toEqual([
        s.stack.resolve(s.stack.data.identityKey.secret.secretArn),
      ]);
      expect(JSON.stringify(statements)).not.toMatch(/dynamodb:\*|ses:\*|ses:SendRawEmail/);
    });

    it('gets every variable its schema parses, and no link-signing key it would not use', () => {
      const { admin } = s.stack;
      expectEnvironmentFor(s, admin.function.fn, adminEnvSchema, [
        'MAIL_REPLY_TO',
        'MAX_SEND_RATE',
        'SIGNING_KEY_SECRET_ARN',
        // Local development only (http:// endpoints on this machine); never set in AWS.
        'WEBHOOKS_LOCAL_DEVELOPMENT',
      ]);
      const environment = environmentOf(s, admin.function.fn);
      expect(environment).not.toHaveProperty('SIGNING_KEY_SECRET_ARN');
      expect(environment).not.toHaveProperty('MAX_SEND_RATE');
      expect(environment).toMatchObject({
        DEFAULT_SEQUENCE_ID: deployConfig.clinic.sending.defaultSequenceId,
        IMPORT_SEND_SHARE: String(deployConfig.admin.importSendShare),
        IMPORT_MAX_ROWS: String(deployConfig.admin.importMaxRows),
        SES_CONFIGURATION_SET: resolve(s.stack.email.configurationSet.configurationSetName),
        SITE_URL: resolve(s.stack.site.url),
        PUBLIC_API_URL: resolve(s.stack.api.url),
        POWERTOOLS_LOGGER_LOG_EVENT: 'false',
      });
    });
  });

  describe('admin-compose function (the draft routes)', () => {
    it('runs with 1024 MB and a timeout under API Gateway’s 30 s, logging to its own group for the configured retention', () => {
      const { admin } = s.stack;
      expect(resourceOf(s, admin.composeFunction.fn).Properties).toMatchObject({
        MemorySize: 1024,
        Timeout: 29,
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        LoggingConfig: { LogGroup: { Ref: logicalId(s, admin.composeFunction.logGroup) } },
      });
      expect(resourceOf(s, admin.composeFunction.logGroup).Properties.RetentionInDays).toBe(30);
    });

    it('may read and write drafts, versions and pointers and send a test email as the practice, nothing more', () => {
      const { admin, data, email } = s.stack;
      expect(policyStatementsOf(s, admin.composeFunction.fn.role!)).toEqual([
        { Effect: 'Allow', Action: LOGS, Resource: resolve(admin.composeFunction.logGroup.logGroupArn) },
        {
          Effect: 'Allow',
          Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
          Resource: resolve(data.table.tableArn),
        },
        {
          Effect: 'Allow',
          Action: 'ses:SendEmail',
          Resource: [resolve(email.configurationSetArn), resolve(email.identity.emailIdentityArn)],
          Condition: { StringEqualsIgnoreCase: { 'ses:FromAddress': deployConfig.clinic.mail.fromAddress } },
        },
      ]);
    });

    it('gets every variable its schema parses, and no link-signing key it would not use', () => {
      const { admin } = s.stack;
      expectEnvironmentFor(s, admin.composeFunction.fn, adminComposeEnvSchema, [
        'MAIL_REPLY_TO',
        'SIGNING_KEY_SECRET_ARN',
      ]);
      const environment = environmentOf(s, admin.composeFunction.fn);
      expect(environment).not.toHaveProperty('SIGNING_KEY_SECRET_ARN');
      expect(environment).toMatchObject({
        SES_CONFIGURATION_SET: resolve(s.stack.email.configurationSet.configurationSetName),
        SITE_URL: resolve(s.stack.site.url),
        PUBLIC_API_URL: resolve(s.stack.api.url),
        POWERTOOLS_SERVICE_NAME: 'admin-compose',
      });
    });
  });

  describe('clinical review check', () => {
    it('runs daily at the configured hour of the practice’s time zone through EventBridge Scheduler, with retries and a DLQ', () => {
      const { reviewCheck } = s.stack;
      expect(resourceOf(s, reviewCheck.schedule).Properties).toEqual({
        Description: expect.any(String),
        ScheduleExpression: `cron(0 ${deployConfig.reviewCheck.hour} * * ? *)`,
        ScheduleExpressionTimezone: deployConfig.clinic.practice.timeZone,
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: {
          Arn: resolve(reviewCheck.function.fn.functionArn),
          RoleArn: resolve(reviewCheck.scheduleRole.roleArn),
          RetryPolicy: {
            MaximumRetryAttempts: deployConfig.reviewCheck.scheduleRetry.attempts,
            MaximumEventAgeInSeconds: deployConfig.reviewCheck.scheduleRetry.maxEventAge.toSeconds(),
          },
          DeadLetterConfig: { Arn: resolve(reviewCheck.deadLetters.queueArn) },
        },
      });
      expect(resourceOf(s, reviewCheck.function.fn).Properties.DeadLetterConfig).toEqual({
        TargetArn: resolve(reviewCheck.deadLetters.queueArn),
      });
    });

    it('lets only this account’s scheduler invoke exactly the check and write its DLQ', () => {
      const { reviewCheck } = s.stack;
      const trust = (
        resourceOf(s, reviewCheck.scheduleRole).Properties.AssumeRolePolicyDocument as {
          Statement: Statement[];
        }
      ).Statement;
      expect(trust).toEqual([
        expect.objectContaining({
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: { StringEquals: expect.objectContaining({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }) },
        }),
      ]);
      expect(policyStatementsOf(s, reviewCheck.scheduleRole)).toEqual([
        { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: resolve(reviewCheck.function.fn.functionArn) },
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: resolve(reviewCheck.deadLetters.queueArn) },
      ]);
    });

    it('may read the sequence items (pointers, versions) and query the due index, and write its DLQ, nothing more', () => {
      const { reviewCheck, data } = s.stack;
      expect(policyStatementsOf(s, reviewCheck.function.fn.role!)).toEqual([
        { Effect: 'Allow', Action: LOGS, Resource: resolve(reviewCheck.function.logGroup.logGroupArn) },
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: resolve(reviewCheck.deadLetters.queueArn) },
        {
          Effect: 'Allow',
          Action: 'dynamodb:GetItem',
          Resource: resolve(data.table.tableArn),
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SEQUENCE#*'] } },
        },
        { Effect: 'Allow', Action: 'dynamodb:Query', Resource: resolve(data.indexArn(DUE_INDEX.name)) },
      ]);
      expectEnvironmentFor(s, reviewCheck.function.fn, baseEnvSchema);
    });

    it('refuses an hour that is not one of the day', () => {
      expect(() => synth({ reviewCheck: { ...deployConfig.reviewCheck, hour: 24 } })).toThrow(/reviewCheck\.hour/);
    });
  });

  describe('CloudFront', () => {
    let config: DistributionConfig;
    const behavior = (pattern: string) => config.CacheBehaviors.find((candidate) => candidate.PathPattern === pattern)!;
    beforeAll(() => {
      config = resourceOf(s, s.stack.site.distribution).Properties.DistributionConfig as DistributionConfig;
    });

    it('routes /admin/api/* to the HTTP API uncached, forwarding every viewer header but Host (so Authorization), all methods', () => {
      const api = behavior(ADMIN_API_PATH_PATTERN);
      const origin = config.Origins.find((candidate) => candidate.Id === api.TargetOriginId)!;
      expect(origin.DomainName).toEqual(resolve(s.stack.api.domainName));
      expect(api).toMatchObject({
        CachePolicyId: CACHING_DISABLED,
        OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
        ViewerProtocolPolicy: 'https-only',
        ResponseHeadersPolicyId: { Ref: logicalId(s, s.stack.site.responseHeadersPolicy) },
      });
      expect(api.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'DELETE']));
      // Same origin as the /leads form post: one API origin, not a second one.
      expect(api.TargetOriginId).toBe(behavior('/leads').TargetOriginId);
    });

    it('serves /console/* from the site bucket with folder pages, like the site, under the console’s headers policy', () => {
      const pages = behavior(CONSOLE_PATH_PATTERN);
      expect(pages.TargetOriginId).toBe(config.DefaultCacheBehavior.TargetOriginId);
      expect(pages).toMatchObject({
        CachePolicyId: CACHING_OPTIMIZED,
        ViewerProtocolPolicy: 'redirect-to-https',
        ResponseHeadersPolicyId: { Ref: logicalId(s, s.stack.site.consoleHeadersPolicy!) },
        FunctionAssociations: config.DefaultCacheBehavior.FunctionAssociations,
      });
      expect(config.Origins).toHaveLength(2);
    });
  });

  describe('console-config.json', () => {
    let deployment: Record<string, unknown>;
    let assetFile: (index: number, file: string) => string | undefined;
    beforeAll(() => {
      const deployments = Object.values(s.template.findResources('Custom::CDKBucketDeployment')) as Resource[];
      expect(deployments).toHaveLength(1);
      deployment = deployments[0]!.Properties;
      const outdir = Stage.of(s.stack)!.outdir;
      const keys = deployment.SourceObjectKeys as string[];
      const assets = s.stack.site.deployment.node.findAll().filter((child): child is Asset => child instanceof Asset);
      assetFile = (index, file) => {
        const asset = assets.find((candidate) => candidate.s3ObjectKey === keys[index]);
        const found = asset && path.join(outdir, asset.assetPath, file);
        return found && fs.existsSync(found) ? fs.readFileSync(found, 'utf8') : undefined;
      };
    });

    it('is written at deploy with the Hosted UI, the client id and the console URL, in the shape the console parses', () => {
      const { consoleAuth, site } = s.stack;
      const index = (deployment.SourceObjectKeys as string[]).findIndex((_, i) => assetFile(i, CONSOLE_CONFIG_KEY));
      expect(index).toBeGreaterThan(0);
      const markers = (deployment.SourceMarkers as Record<string, unknown>[])[index]!;
      const written = assetFile(index, CONSOLE_CONFIG_KEY)!;
      // What the deployment writes once CloudFormation has resolved the markers.
      const standIns = new Map<string, string>([
        [JSON.stringify(resolve(consoleAuth.domain.domainName)), deployConfig.console.domainPrefix],
        [JSON.stringify({ Ref: 'AWS::Region' }), 'us-east-1'],
        [JSON.stringify(resolve(consoleAuth.client.userPoolClientId)), '4s2example0client0id0abcde'],
        [JSON.stringify(resolve(consoleAuth.userPool.userPoolId)), 'us-east-1_example'],
        [JSON.stringify(resolve(s.stack.site.distribution.distributionDomainName)), 'd111111abcdef8.cloudfront.net'],
      ]);
      const deployed = Object.entries(markers).reduce((text, [marker, value]) => {
        const standIn = standIns.get(JSON.stringify(value));
        expect({ marker, value, known: standIn !== undefined }).toEqual({ marker, value, known: true });
        return text.split(marker).join(standIn!);
      }, written);
      const consoleUrl = 'https://d111111abcdef8.cloudfront.net/console/';
      expect(parseConsoleConfig(JSON.parse(deployed))).toEqual({
        auth: {
          mode: 'cognito',
          domain: `https://${deployConfig.console.domainPrefix}.auth.us-east-1.amazoncognito.com`,
          // The issuer the admin API's JWT authorizer checks (see "admin routes" above).
          issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_example',
          clientId: '4s2example0client0id0abcde',
          redirectUri: consoleUrl,
          logoutUri: consoleUrl,
          scopes: ['openid', 'email'],
        },
        apiBase: '',
      });
      expect(JSON.stringify(resolve(site.consoleUrl))).toContain('/console/');
    });

    it('never ships the local-login console-config.json the site build writes', () => {
      expect(assetFile(0, 'console/index.html')).toBeDefined();
      expect(assetFile(0, CONSOLE_CONFIG_KEY)).toBeUndefined();
    });
  });

  describe('cdk-nag AwsSolutions', () => {
    it('leaves no finding unacknowledged, and acknowledges nothing on the user pool, its client or the admin routes', () => {
      expect(s.nagFindings).toEqual([]);
      const console = s.acknowledgements.filter(
        (ack) => ack.path.startsWith('Test/Console/') || /\/(GET|POST|PUT|DELETE)--admin--api/.test(ack.path),
      );
      expect(console).toEqual([]);
    });

    it('acknowledges on the admin role only the "*" of the account-level SES actions, with their reasons', () => {
      const admin = s.acknowledgements.filter((ack) => ack.path.startsWith('Test/Admin/'));
      expect(admin.map((ack) => ack.id)).toEqual([expect.stringMatching(/AwsSolutions-IAM5\[Resource::\*\]$/)]);
      expect(admin[0]!.reason).toMatch(
        /ses:GetAccount and ses:DeleteSuppressedDestination have no resource-level permission/,
      );
      expect(admin[0]!.reason).toMatch(/erasure/);
    });
  });
});

describe('the marketing console with a configured send rate, a custom domain, WAF, tracing and double opt-in', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth({
      consentMode: 'double',
      sender: { ...deployConfig.sender, maxSendRate: 5 },
      site: {
        ...deployConfig.site,
        certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
        webAclArn: WEB_ACL_ARN,
      },
      mail: { hostedZone: { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABC' }, mailFromSubdomain: 'bounce' },
      observability: { ...deployConfig.observability, tracing: true, alarmEmail: 'oncall@example.com' },
      console: { domainPrefix: 'tbps-staff', sessionLength: Duration.days(7), tokenValidity: Duration.hours(1) },
    });
  });

  it('paces imports to the configured rate and so needs no ses:GetAccount (erasure still needs its SES action)', () => {
    const statements = policyStatementsOf(s, s.stack.admin.function.fn.role!);
    expect(JSON.stringify(statements)).not.toContain('ses:GetAccount');
    const erasure = statements.find((statement) =>
      [statement.Action].flat().includes('ses:DeleteSuppressedDestination'),
    );
    expect(erasure?.Resource).toBe('*');
    expect(environmentOf(s, s.stack.admin.function.fn).MAX_SEND_RATE).toBe('5');
  });

  it('returns to the console on the practice’s own host, and names it in the invitation', () => {
    const consoleUrl = `${deployConfig.clinic.practice.siteUrl}/console/`;
    const client = resourceOf(s, s.stack.consoleAuth.client).Properties;
    expect(client.CallbackURLs).toEqual([consoleUrl]);
    expect(client.LogoutURLs).toEqual([consoleUrl]);
    const invitation = resourceOf(s, s.stack.consoleAuth.userPool).Properties.AdminCreateUserConfig as {
      InviteMessageTemplate: { EmailMessage: string };
    };
    expect(invitation.InviteMessageTemplate.EmailMessage).toContain(consoleUrl);
    expect(invitation.InviteMessageTemplate.EmailMessage).toMatch(/\{username\}.*\{####\}/);
  });

  it('uses the configured Hosted UI prefix, session length and token validity', () => {
    expect(resourceOf(s, s.stack.consoleAuth.domain).Properties.Domain).toBe('tbps-staff');
    expect(resourceOf(s, s.stack.consoleAuth.client).Properties).toMatchObject({
      RefreshTokenValidity: 7 * 24 * 60,
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
    });
  });

  it('still leaves no AwsSolutions finding unacknowledged', () => {
    expect(s.nagFindings).toEqual([]);
    // With tracing on, the X-Ray "*" joins the erasure's ses:DeleteSuppressedDestination; no ses:GetAccount.
    const reasons = (under: string) =>
      s.acknowledgements.filter((ack) => ack.path.startsWith(under)).map((ack) => ack.reason);
    expect(reasons('Test/Admin/Handler/').sort()).toEqual(
      [
        expect.stringMatching(/^X-Ray PutTraceSegments/),
        expect.stringMatching(/^ses:DeleteSuppressedDestination has no resource-level permission/),
      ].sort(),
    );
    // The draft routes' function: the X-Ray "*" alone.
    expect(reasons('Test/Admin/Compose/')).toEqual([expect.stringMatching(/^X-Ray PutTraceSegments/)]);
    expect(reasons('Test/Admin/')).toHaveLength(3);
  });
});

describe('the console session settings', () => {
  it('refuses token and session lengths Cognito would refuse, or that leave nothing to renew, naming the setting', () => {
    const withConsole = (change: Partial<typeof deployConfig.console>) => () =>
      synth({ console: { ...deployConfig.console, ...change } });
    expect(withConsole({ tokenValidity: Duration.minutes(4) })).toThrow(/console\.tokenValidity/);
    expect(withConsole({ tokenValidity: Duration.hours(25) })).toThrow(/console\.tokenValidity/);
    expect(withConsole({ sessionLength: Duration.minutes(30) })).toThrow(/console\.sessionLength/);
    expect(withConsole({ sessionLength: Duration.hours(2), tokenValidity: Duration.hours(2) })).toThrow(
      /console\.tokenValidity must be shorter than console\.sessionLength/,
    );
  });
});

describe('the Hosted UI prefix', () => {
  it('is made from the practice name, without the words Cognito reserves', () => {
    expect(hostedUiPrefix('Tampa Bay Plastic Surgery')).toBe('tampa-bay-plastic-surgery-console');
    expect(hostedUiPrefix('Dr. Amazon’s Aesthetics & Laser (AWS)')).toBe('dr-s-aesthetics-laser-console');
    expect(hostedUiPrefix('Ästhetik Zürich')).toBe('asthetik-zurich-console');
  });

  it('refuses a configured prefix Cognito would refuse, naming the setting', () => {
    for (const domainPrefix of ['Clinic', 'my_clinic', '-clinic', 'clinic-aws-login', 'a'.repeat(64)]) {
      expect(() => synth({ console: { ...deployConfig.console, domainPrefix } })).toThrow(/console\.domainPrefix/);
    }
  });
});
