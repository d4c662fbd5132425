import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { pointerKey } from '../../functions/adapters/dynamodb/published-sequences';
import { versionKey } from '../../functions/adapters/dynamodb/sequence-versions';
import { GLOBAL_INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '../../functions/adapters/dynamodb/table-schema';
import { captureEnvSchema } from '../../functions/config/env';
import { deployConfig } from '../../infra/config';
import { SEQUENCE_PARTITION_PREFIX } from '../../infra/constructs/data';
import { DIRECTORY_INDEX_FUNCTION } from '../../infra/constructs/site';
import { type Synthesized, synth } from './synth';
import { allPolicyStatements, logicalId, policyStatementsOf, type Resource } from './template';

describe('the stack with the default settings', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth();
  });

  describe('data', () => {
    it('keeps the table on stack delete, with PITR, encryption, on-demand billing and deletion protection', () => {
      s.template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
          DeletionProtectionEnabled: true,
        }),
      });
    });

    it('uses the keys, the two sparse GSIs and the TTL attribute of the shared table schema', () => {
      const [table] = Object.values(s.template.findResources('AWS::DynamoDB::Table')) as Resource[];
      expect(table!.Properties.KeySchema).toEqual([
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ]);
      expect(table!.Properties.GlobalSecondaryIndexes).toEqual(
        GLOBAL_INDEXES.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      );
      expect(table!.Properties.AttributeDefinitions).toEqual(
        expect.arrayContaining(
          GLOBAL_INDEXES.flatMap((index) => [
            { AttributeName: index.partitionKey, AttributeType: 'S' },
            { AttributeName: index.sortKey, AttributeType: 'S' },
          ]),
        ),
      );
      expect(table!.Properties.TimeToLiveSpecification).toEqual({ AttributeName: TTL_ATTRIBUTE, Enabled: true });
    });

    it('scopes sequence-only grants to the partition the adapters key pointers and versions by', () => {
      // grantSequenceItemActions conditions on this prefix; a drift would deny the reads silently.
      expect(pointerKey('exosome-aftercare').pk.startsWith(SEQUENCE_PARTITION_PREFIX)).toBe(true);
      expect(versionKey('exosome-aftercare', 'v1').pk.startsWith(SEQUENCE_PARTITION_PREFIX)).toBe(true);
      expect(pointerKey('exosome-aftercare').pk.slice(SEQUENCE_PARTITION_PREFIX.length)).toBe('exosome-aftercare');
    });
  });

  describe('capture function', () => {
    it('runs on the newest Node.js runtime, arm64, with explicit memory, timeout and its own log group', () => {
      s.template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('POST /leads'),
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: deployConfig.capture.memorySize,
        Timeout: deployConfig.capture.timeout.toSeconds(),
        LoggingConfig: { LogGroup: { Ref: logicalId(s, s.stack.capture.function.logGroup) } },
      });
    });

    it('may write its log group, put and update table items, read the published sequence pointer, a lead, a suppression and the keyed-ids marker, send as the practice and read the signing key, the identity key and the origin-verify secret, nothing more', () => {
      const { capture, data, email, signingKey } = s.stack;
      const resolve = (value: unknown) => s.stack.resolve(value);
      const statements = policyStatementsOf(s, capture.function.fn.role!);
      expect(statements.find((statement) => statement.Action === 'ses:SendEmail')?.Resource).toHaveLength(2);
      expect(statements).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: resolve(capture.function.logGroup.logGroupArn),
        },
        {
          Effect: 'Allow',
          Action: ['dynamodb:ConditionCheckItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
          Resource: resolve(data.table.tableArn),
        },
        // The version new leads start on (functions/lambdas/capture/wiring.ts: PublishedSequenceCatalog),
        // a returning lead's stored profile and the address's suppression (under its unkeyed id or
        // hash too, until the migration's marker says all moved to keyed ones): reads only there.
        {
          Effect: 'Allow',
          Action: 'dynamodb:GetItem',
          Resource: resolve(data.table.tableArn),
          Condition: {
            'ForAllValues:StringLike': {
              'dynamodb:LeadingKeys': ['SEQUENCE#*', 'LEAD#*', 'SUPPRESSION#*', 'MIGRATION#*'],
            },
          },
        },
        {
          Effect: 'Allow',
          Action: 'ses:SendEmail',
          Resource: expect.arrayContaining([
            resolve(email.identity.emailIdentityArn),
            resolve(email.configurationSetArn),
          ]),
          Condition: { StringEqualsIgnoreCase: { 'ses:FromAddress': deployConfig.clinic.mail.fromAddress } },
        },
        {
          Effect: 'Allow',
          Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
          Resource: expect.arrayContaining([
            resolve(signingKey.secret.secretArn),
            resolve(s.stack.originVerify.secret.secretArn),
            resolve(data.identityKey.secret.secretArn),
          ]),
        },
      ]);
    });

    it('sets every variable the function parses at cold start, and nothing local-only', () => {
      const [fn] = Object.values(
        s.template.findResources('AWS::Lambda::Function', {
          Properties: { Description: Match.stringLikeRegexp('POST /leads') },
        }),
      ) as Resource[];
      const variables = (fn!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      // Values resolved only at deploy (table name, URLs) get a stand-in of the right shape.
      const deployed = Object.fromEntries(
        Object.entries(variables).map(([name, value]) => [
          name,
          typeof value === 'string' ? value : name.endsWith('_URL') ? 'https://deployed.example' : 'deployed-value',
        ]),
      );
      expect(captureEnvSchema.safeParse(deployed).error).toBeUndefined();
      const expected = Object.keys(captureEnvSchema.shape).filter((name) => !name.endsWith('_ENDPOINT'));
      expect(Object.keys(variables)).toEqual(expect.arrayContaining(expected));
      expect(variables).not.toHaveProperty('DYNAMODB_ENDPOINT');
      expect(variables).not.toHaveProperty('SES_ENDPOINT');
    });
  });

  it('attaches no AWS managed policy to any role in the stack', () => {
    const roles = Object.values(s.template.findResources('AWS::IAM::Role')) as Resource[];
    expect(roles.length).toBeGreaterThanOrEqual(2);
    for (const role of roles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('grants no SES action on a wildcard resource anywhere in the stack, except the account-level ones, which have no resource type', () => {
    const sesStatements = allPolicyStatements(s).filter((st) =>
      [st.Action].flat().some((action) => action.startsWith('ses:')),
    );
    expect(sesStatements.length).toBeGreaterThan(0);
    for (const statement of sesStatements) {
      if ([statement.Resource].flat().includes('*')) {
        for (const action of [statement.Action].flat()) {
          expect(['ses:GetAccount', 'ses:DeleteSuppressedDestination']).toContain(action);
        }
      } else expect([statement.Resource].flat().length).toBeGreaterThan(0);
    }
    const onSendEmail = sesStatements.filter((st) => [st.Action].flat().includes('ses:SendEmail'));
    expect(onSendEmail.length).toBeGreaterThanOrEqual(2);
    for (const statement of onSendEmail) expect([statement.Resource].flat()).not.toContain('*');
  });

  describe('public API', () => {
    it('throttles the stage and writes JSON access logs to its log group', () => {
      s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: {
          ThrottlingRateLimit: deployConfig.api.throttle.rateLimit,
          ThrottlingBurstLimit: deployConfig.api.throttle.burstLimit,
        },
        AccessLogSettings: {
          DestinationArn: s.stack.resolve(s.stack.api.accessLogs.logGroupArn),
          Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
        },
      });
    });

    it('logs the route key, never the raw path, which will carry unsubscribe tokens', () => {
      const [stage] = Object.values(s.template.findResources('AWS::ApiGatewayV2::Stage')) as Resource[];
      const format = (stage!.Properties.AccessLogSettings as { Format: string }).Format;
      expect(JSON.parse(format)).toMatchObject({ routeKey: '$context.routeKey' });
      expect(format).not.toMatch(/\$context\.(path|resourcePath)|userAgent/);
    });

    it('routes POST /leads to the capture function', () => {
      s.template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /leads' });
      s.template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: s.stack.resolve(s.stack.capture.function.fn.functionArn),
      });
    });

    it('allows CORS from the configured site origins only', () => {
      s.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        CorsConfiguration: {
          AllowOrigins: deployConfig.clinic.site.allowedOrigins.map((origin) => new URL(origin).origin),
          AllowMethods: ['POST'],
          AllowHeaders: ['content-type'],
        },
      });
    });
  });

  it('keeps every log group for the configured retention', () => {
    const groups = Object.values(s.template.findResources('AWS::Logs::LogGroup')) as Resource[];
    expect(groups.length).toBeGreaterThanOrEqual(3);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(30);
  });

  describe('landing site', () => {
    it('blocks public access, encrypts and refuses plain HTTP on every bucket', () => {
      const buckets = s.template.findResources('AWS::S3::Bucket') as Record<string, Resource>;
      expect(Object.keys(buckets)).toHaveLength(2);
      for (const [id, bucket] of Object.entries(buckets)) {
        expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
        expect(bucket.Properties.BucketEncryption).toBeDefined();
        s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
          Bucket: { Ref: id },
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    });

    it('serves the bucket through CloudFront with origin access control, logs and security headers', () => {
      s.template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
      s.template.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({
          DefaultRootObject: 'index.html',
          Logging: Match.objectLike({ Bucket: Match.anyValue() }),
          DefaultCacheBehavior: Match.objectLike({
            ViewerProtocolPolicy: 'redirect-to-https',
            ResponseHeadersPolicyId: Match.anyValue(),
            FunctionAssociations: [Match.objectLike({ EventType: 'viewer-request' })],
          }),
        }),
      });
    });

    it('forwards /leads to the API uncached over HTTPS, so the form posts to its own origin', () => {
      s.template.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({
          CacheBehaviors: Match.arrayWith([
            Match.objectLike({
              PathPattern: '/leads',
              ViewerProtocolPolicy: 'https-only',
              AllowedMethods: Match.arrayWith(['POST']),
              CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
            }),
          ]),
          Origins: Match.arrayWith([
            Match.objectLike({
              DomainName: s.stack.resolve(s.stack.api.domainName),
              CustomOriginConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only' }),
            }),
          ]),
        }),
      });
    });

    it('serves folder pages: /thank-you/ and /thank-you get thank-you/index.html, files pass through', () => {
      const handler = new Function(`${DIRECTORY_INDEX_FUNCTION}; return handler;`)() as (event: {
        request: { uri: string };
      }) => { uri: string };
      const served = (uri: string) => handler({ request: { uri } }).uri;
      expect(served('/')).toBe('/index.html');
      expect(served('/thank-you/')).toBe('/thank-you/index.html');
      expect(served('/thank-you')).toBe('/thank-you/index.html');
      expect(served('/assets/app.js')).toBe('/assets/app.js');
      expect(served('/config.json')).toBe('/config.json');
    });

    it('writes config.json with the API URL into the bucket at deploy', () => {
      s.template.hasResourceProperties('Custom::CDKBucketDeployment', {
        DestinationBucketName: { Ref: logicalId(s, s.stack.site.bucket) },
        SourceMarkers: Match.arrayWith([
          Match.objectLike({ '<<marker:0xbaba:0>>': { Ref: logicalId(s, s.stack.api.httpApi) } }),
        ]),
      });
    });

    it('points email links at the CloudFront URL when no custom domain is configured', () => {
      s.template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            SITE_URL: {
              'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(s, s.stack.site.distribution), 'DomainName'] }]],
            },
          }),
        },
      });
    });
  });

  describe('email sending', () => {
    it('verifies the sending domain with 2048-bit Easy DKIM, tied to the configuration set', () => {
      s.template.hasResourceProperties('AWS::SES::EmailIdentity', {
        EmailIdentity: deployConfig.clinic.mail.sendingDomain,
        DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
        ConfigurationSetAttributes: { ConfigurationSetName: { Ref: logicalId(s, s.stack.email.configurationSet) } },
      });
    });

    it('publishes reputation metrics, requires TLS and suppresses bounces and complaints', () => {
      s.template.hasResourceProperties('AWS::SES::ConfigurationSet', {
        ReputationOptions: { ReputationMetricsEnabled: true },
        DeliveryOptions: { TlsPolicy: 'REQUIRE' },
        SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      });
    });

    it('prints the three DKIM records as outputs when no hosted zone is configured', () => {
      const outputs = Object.values(s.template.findOutputs('*')) as { Value: unknown }[];
      const dkim = outputs.filter((output) => JSON.stringify(output.Value).includes(' CNAME '));
      expect(dkim).toHaveLength(3);
      s.template.resourceCountIs('AWS::Route53::RecordSet', 0);
    });

    it('generates the link-signing key in Secrets Manager, never in the template', () => {
      s.template.hasResource('AWS::SecretsManager::Secret', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({
          GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
          SecretString: Match.absent(),
        }),
      });
    });
  });

  describe('cdk-nag AwsSolutions', () => {
    it('leaves no finding, error or warning, unacknowledged', () => {
      expect(s.nagFindings).toEqual([]);
    });

    it('gives every acknowledgement a reason a reviewer can check', () => {
      expect(s.acknowledgements.length).toBeGreaterThan(0);
      for (const { id, reason } of s.acknowledgements) {
        expect({ id, long: reason.length >= 60 }).toEqual({ id, long: true });
      }
    });

    it('acknowledges nothing on the capture function', () => {
      expect(s.acknowledgements.filter((ack) => ack.path.includes('/Leads/'))).toEqual([]);
    });

    it('acknowledges a "*" resource only for CDK’s site deployment, the account-level SES actions of the sender, SES events and the admin API, and the stream consumer’s ListStreams', () => {
      const wildcards = s.acknowledgements.filter((ack) => ack.id.endsWith('AwsSolutions-IAM5[Resource::*]'));
      expect(wildcards.map((ack) => ack.path).sort()).toEqual([
        'Test/Admin/Handler/Role',
        'Test/Drip/Sender/Role',
        'Test/SesEvents/Handler/Role',
        'Test/Site/DeploymentRole',
        'Test/Webhooks/Events/Role',
      ]);
      for (const path of ['Test/Admin/Handler/Role', 'Test/Drip/Sender/Role']) {
        expect(wildcards.find((ack) => ack.path === path)?.reason).toMatch(/ses:GetAccount/);
      }
    });
  });
});

describe('the stack with a hosted zone, a MAIL FROM domain, a site certificate and tracing', () => {
  let s: Synthesized;
  const zone = { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABC' };
  const certificateArn = 'arn:aws:acm:us-east-1:111111111111:certificate/abc';
  beforeAll(() => {
    s = synth({
      mail: { hostedZone: zone, mailFromSubdomain: 'bounce', sandboxRecipients: ['frontdesk@example.com'] },
      site: { certificateArn, accessLogExpiration: Duration.days(30) },
      observability: { ...deployConfig.observability, tracing: true },
    });
  });

  it('creates the DKIM, MAIL FROM MX and SPF records in the zone instead of printing them', () => {
    const records = Object.values(s.template.findResources('AWS::Route53::RecordSet')) as Resource[];
    expect(records.map((record) => record.Properties.Type).sort()).toEqual(['CNAME', 'CNAME', 'CNAME', 'MX', 'TXT']);
    for (const record of records) expect(record.Properties.HostedZoneId).toBe(zone.hostedZoneId);
    s.template.hasResourceProperties('AWS::SES::EmailIdentity', {
      MailFromAttributes: { MailFromDomain: `bounce.${deployConfig.clinic.mail.sendingDomain}` },
    });
    const outputs = JSON.stringify(s.template.findOutputs('*'));
    expect(outputs).not.toContain(' CNAME ');
  });

  it("serves the practice's own host with TLS 1.2 or newer, and links emails to it", () => {
    s.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: [new URL(deployConfig.clinic.practice.siteUrl).hostname],
        ViewerCertificate: Match.objectLike({
          AcmCertificateArn: certificateArn,
          MinimumProtocolVersion: 'TLSv1.2_2021',
        }),
      }),
    });
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SITE_URL: deployConfig.clinic.practice.siteUrl }) },
    });
  });

  it('lets the capture function send to the verified sandbox recipients, by identity ARN', () => {
    const statements = policyStatementsOf(s, s.stack.capture.function.fn.role!);
    const ses = statements.find((statement) => statement.Action === 'ses:SendEmail');
    expect(JSON.stringify(ses!.Resource)).toContain(':identity/frontdesk@example.com');
    expect([ses!.Resource].flat()).toHaveLength(3);
  });

  it('turns on active tracing', () => {
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('POST /leads'),
      TracingConfig: { Mode: 'Active' },
    });
  });

  it('still leaves no AwsSolutions finding unacknowledged', () => {
    expect(s.nagFindings).toEqual([]);
  });
});

describe('settings SES would reject', () => {
  it('refuse to synthesize when the From address is not at the sending domain', () => {
    const clinic = { ...deployConfig.clinic, mail: { ...deployConfig.clinic.mail, fromAddress: 'care@other.example' } };
    expect(() => synth({ clinic })).toThrow(/not at mail.sendingDomain/);
  });

  it('refuse a hosted zone that does not contain the sending domain', () => {
    expect(() => synth({ mail: { hostedZone: { zoneName: 'other.example', hostedZoneId: 'Z1' } } })).toThrow(
      /does not contain the sending domain/,
    );
  });
});
