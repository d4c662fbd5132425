import { Template } from 'aws-cdk-lib/assertions';
import { deployConfig } from '../../infra/config';
import { CONFIRM_PATH } from '../../infra/constructs/confirm-opt-in';
import { PITR_RECOVERY_DAYS } from '../../infra/constructs/data';
import { DEAD_LETTER_RETENTION } from '../../infra/constructs/drip';
import { ADMIN_API_PATH_PATTERN, CONSOLE_PATH_PATTERN, LEADS_PATH } from '../../infra/constructs/site';
import { UNSUBSCRIBE_PATH } from '../../infra/constructs/unsubscribe';
import { type Checked, type Synthesized, synth, synthEdge } from './synth';
import { environmentOf, logicalId, type Resource, resourceOf } from './template';

const WEB_ACL_ARN =
  'arn:aws:wafv2:us-east-1:111111111111:global/webacl/SiteFirewall/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';

/** Every property name and every string value in a template, with where it is. */
function walk(value: unknown, at: string, visit: (kind: 'key' | 'value', text: string, at: string) => void): void {
  if (typeof value === 'string') visit('value', value, at);
  else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) walk(item, `${at}[${i}]`, visit);
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      visit('key', key, at);
      walk(item, `${at}.${key}`, visit);
    }
  }
}

/** AWS access key ids (long-term and temporary). */
const ACCESS_KEY_ID = /\b(AKIA|ASIA)[A-Z0-9]{16}\b/;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
/** A name that says its value is a secret: such a property must hold a reference, never a literal. */
const SECRET_NAME = /secret|password|passphrase|private.?key|api.?key|access.?key|token/i;
/** Cognito's `TokenValidityUnits` name the unit ("minutes") of each token lifetime, not a token. */
const NOT_A_SECRET = /\.TokenValidityUnits\.[A-Za-z]+$/;
/**
 * A run of 20 or more base64/hex characters: a generated key, a secret access key or an HMAC key
 * would be one. Lower-case hex is allowed only as an asset file name (`<sha256>.zip`); runs mixing
 * upper case, lower case and digits only as the template's own logical ids and the names CDK
 * derives from a construct path (ending in an 8-digit upper-case hex hash).
 */
const KEY_LIKE_RUN = /[A-Za-z0-9+/=_-]{20,}/g;
const CDK_GENERATED_NAME = /^[A-Za-z][A-Za-z0-9]*[0-9A-F]{8}$/;
const ASSET_FILE = /^[0-9a-f]{64}\.(zip|json)$/;
/** ARNs name things (a WebACL's id is a UUID); they are checked as what they are, identifiers. */
const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:/;

function keyLikeValues(template: Record<string, unknown>): string[] {
  const logicalIds = new Set(
    ['Resources', 'Outputs', 'Parameters', 'Conditions'].flatMap((section) =>
      Object.keys((template[section] as Record<string, unknown> | undefined) ?? {}),
    ),
  );
  const found: string[] = [];
  walk(template, '', (kind, text, at) => {
    if (kind !== 'value' || ARN.test(text)) return;
    for (const run of text.match(KEY_LIKE_RUN) ?? []) {
      const mixed = /[a-z]/.test(run) && /[A-Z]/.test(run) && /\d/.test(run);
      const hex = /^[0-9a-f]{32,}/.test(run);
      if (hex && !ASSET_FILE.test(text.slice(text.indexOf(run)))) found.push(`${at}: ${run}`);
      if (mixed && !logicalIds.has(run) && !CDK_GENERATED_NAME.test(run)) found.push(`${at}: ${run}`);
    }
  });
  return found;
}

/** What must never be in a synthesized template, whatever the configuration. */
function expectNoSecretMaterial(checked: Checked): void {
  const template = checked.template.toJSON();
  const problems: string[] = [];
  walk(template, '', (kind, text, at) => {
    if (kind === 'key' && text === 'SecretString') problems.push(`${at}: a SecretString property`);
    if (ACCESS_KEY_ID.test(text)) problems.push(`${at}: an AWS access key id`);
    if (PRIVATE_KEY.test(text)) problems.push(`${at}: a private key`);
  });
  // Lambda environment variables and every other property named like a secret hold references.
  walk(template, '', (kind, text, at) => {
    if (kind !== 'value') return;
    const name = at.slice(at.lastIndexOf('.') + 1);
    if (SECRET_NAME.test(name) && !/Description$/.test(name) && !NOT_A_SECRET.test(at)) {
      problems.push(`${at}: a literal "${text}"`);
    }
  });
  expect([...problems, ...keyLikeValues(template)]).toEqual([]);
}

describe('secrets in the synthesized templates', () => {
  let plain: Synthesized;
  let everything: Synthesized;
  beforeAll(() => {
    plain = synth();
    everything = synth({
      consentMode: 'double',
      site: {
        ...deployConfig.site,
        certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
        webAclArn: WEB_ACL_ARN,
      },
      mail: { hostedZone: { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABC' }, mailFromSubdomain: 'bounce' },
      observability: { ...deployConfig.observability, tracing: true, alarmEmail: 'oncall@example.com' },
    });
  });

  it('holds no secret value, access key id, private key or key-like literal, in any configuration', () => {
    expectNoSecretMaterial(plain);
    expectNoSecretMaterial(everything);
    expectNoSecretMaterial(synthEdge());
  });

  it('catches a secret written into a template', () => {
    const base = plain.template.toJSON();
    const withVariables = (variables: Record<string, string>) =>
      Template.fromJSON({
        ...base,
        Resources: {
          ...base.Resources,
          Leak: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: variables } } },
        },
      });
    const leaks: Record<string, string>[] = [
      { HMAC: 'kQ3vX9pL2mZ8rT5wY1nB7cF4hJ6dS0aG' },
      { HMAC: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' },
      { WEBHOOK_SECRET: 'correct horse battery staple' },
      { NOTE: ['AKIA', 'ABCDEFGHIJKLMNOP'].join('') },
    ];
    for (const variables of leaks) {
      expect(() => expectNoSecretMaterial({ ...plain, template: withVariables(variables) })).toThrow();
    }
  });

  it('generates every secret (link signing, booked webhook, CloudFront origin verify, identity key, Calendly, Acuity) at deploy with GenerateSecretString', () => {
    for (const s of [plain, everything]) {
      const secrets = s.template.findResources('AWS::SecretsManager::Secret') as Record<string, Resource>;
      expect(Object.keys(secrets).sort()).toEqual(
        [
          logicalId(s, s.stack.signingKey.secret),
          logicalId(s, s.stack.booked.webhookKey.secret),
          logicalId(s, s.stack.originVerify.secret),
          logicalId(s, s.stack.data.identityKey.secret),
          logicalId(s, s.stack.bookingTools.calendlyKey.secret),
          logicalId(s, s.stack.bookingTools.acuitySecret),
        ].sort(),
      );
      for (const secret of Object.values(secrets)) {
        expect(secret.Properties.SecretString).toBeUndefined();
        expect(secret.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64 });
        expect(secret.Properties.GenerateSecretString).not.toHaveProperty('SecretStringTemplate');
      }
    }
  });

  it('gives functions a secret’s ARN, never its value', () => {
    const functions = [
      plain.stack.capture.function,
      plain.stack.drip.sender,
      plain.stack.unsubscribe.function,
      plain.stack.booked.function,
      plain.stack.sesEvents.function,
      plain.stack.admin.function,
    ];
    for (const fn of functions) {
      const environment = environmentOf(plain, fn.fn);
      for (const [name, value] of Object.entries(environment).filter(([name]) => SECRET_NAME.test(name))) {
        expect({ name, value }).toEqual({
          name: expect.stringMatching(/_SECRET_ARN$/),
          value: { Ref: expect.any(String) },
        });
      }
    }
  });
});

describe('the origin-verify header CloudFront adds to POST /leads', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth();
  });

  it('takes its value from the secret by a dynamic reference, resolved by CloudFormation, never a literal', () => {
    const [distribution] = Object.values(s.template.findResources('AWS::CloudFront::Distribution')) as Resource[];
    const origins = (distribution!.Properties.DistributionConfig as { Origins: Record<string, unknown>[] }).Origins;
    const headers = origins.flatMap(
      (origin) => (origin.OriginCustomHeaders as { HeaderName: string; HeaderValue: unknown }[] | undefined) ?? [],
    );
    expect(headers.map((header) => header.HeaderName)).toEqual(['x-origin-verify']);
    // Only the reference: CloudFormation resolves it at deploy; the template's text holds no value.
    expect(headers[0]!.HeaderValue).toEqual({
      'Fn::Join': [
        '',
        ['{{resolve:secretsmanager:', { Ref: logicalId(s, s.stack.originVerify.secret) }, ':SecretString:::}}'],
      ],
    });
  });

  it('lets the capture function read that secret, by the ARN in its environment', () => {
    const environment = environmentOf(s, s.stack.capture.function.fn);
    expect(environment.ORIGIN_VERIFY_SECRET_ARN).toEqual({ Ref: logicalId(s, s.stack.originVerify.secret) });
    const statements = JSON.stringify(
      Object.values(s.template.findResources('AWS::IAM::Policy')).map((policy) => (policy as Resource).Properties),
    );
    expect(statements).toContain('secretsmanager:GetSecretValue');
  });
});

describe('access logs and token-carrying paths', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth({ consentMode: 'double' });
  });

  it('logs API requests by route key and a closed list of fields, none of which can hold the path, a query or a token', () => {
    const [stage] = Object.values(s.template.findResources('AWS::ApiGatewayV2::Stage')) as Resource[];
    const format = JSON.parse((stage!.Properties.AccessLogSettings as { Format: string }).Format) as Record<
      string,
      string
    >;
    expect(Object.values(format).sort()).toEqual(
      [
        '$context.identity.sourceIp',
        '$context.integration.error',
        '$context.integration.latency',
        '$context.integration.status',
        '$context.protocol',
        '$context.requestId',
        '$context.requestTime',
        '$context.responseLatency',
        '$context.responseLength',
        // `GET /u/{token}` as routed: the template, not the token.
        '$context.routeKey',
        '$context.status',
      ].sort(),
    );
  });

  it('routes no token-carrying path through CloudFront: its standard logs (URI stem and query) never hold a token', () => {
    const config = resourceOf(s, s.stack.site.distribution).Properties.DistributionConfig as {
      CacheBehaviors: { PathPattern: string }[];
      Logging: { IncludeCookies?: boolean };
    };
    // The form post and the console's API go to the API through CloudFront (the console's bearer
    // token travels in the Authorization header, which standard logs do not record); /u/{token}
    // and /confirm/{token} are API routes whose links point at the execute-api URL, so CloudFront
    // never sees those paths. The console's pages are files.
    expect(config.CacheBehaviors.map((behavior) => behavior.PathPattern)).toEqual([
      LEADS_PATH,
      CONSOLE_PATH_PATTERN,
      ADMIN_API_PATH_PATTERN,
    ]);
    for (const routeKey of [`GET ${UNSUBSCRIBE_PATH}`, `POST ${UNSUBSCRIBE_PATH}`, `GET ${CONFIRM_PATH}`]) {
      s.template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: routeKey });
    }
    expect(config.Logging.IncludeCookies ?? false).toBe(false);
  });

  it('builds the links that carry tokens on the API’s own URL, not the site’s', () => {
    const apiUrl = s.stack.resolve(s.stack.api.url);
    const siteUrl = s.stack.resolve(s.stack.site.url);
    expect(apiUrl).not.toEqual(siteUrl);
    for (const fn of [s.stack.capture.function, s.stack.drip.sender]) {
      expect(environmentOf(s, fn.fn).PUBLIC_API_URL).toEqual(apiUrl);
    }
    expect(JSON.stringify(apiUrl)).toContain('.execute-api.');
  });
});

describe('copies of personal data that outlive an erasure (as the README states)', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth();
  });

  it('keeps the ses-events dead-letter queue’s messages (SES events name the address) 14 days', () => {
    expect(DEAD_LETTER_RETENTION.toDays()).toBe(14);
    expect(resourceOf(s, s.stack.sesEvents.deadLetters).Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });

  it('keeps point-in-time recovery copies of the table 35 days', () => {
    expect(PITR_RECOVERY_DAYS).toBe(35);
    expect(resourceOf(s, s.stack.data.table).Properties.PointInTimeRecoverySpecification).toEqual({
      PointInTimeRecoveryEnabled: true,
      RecoveryPeriodInDays: 35,
    });
  });
});
