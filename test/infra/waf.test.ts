import { Duration, LegacyStackSynthesizer } from 'aws-cdk-lib';
import { deployConfig } from '../../infra/config';
import { TOO_MANY_REQUESTS_BODY } from '../../infra/constructs/firewall';
import { LEADS_PATH } from '../../infra/constructs/site';
import { type Synthesized, type SynthesizedEdge, synth, synthEdge } from './synth';
import { type Resource, resourceOf } from './template';

const WEB_ACL_ARN =
  'arn:aws:wafv2:us-east-1:111111111111:global/webacl/SiteFirewall/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';

type Rule = {
  Name: string;
  Priority: number;
  Statement: {
    RateBasedStatement?: {
      Limit: number;
      EvaluationWindowSec: number;
      AggregateKeyType: string;
      ScopeDownStatement?: unknown;
    };
    ManagedRuleGroupStatement?: { VendorName: string; Name: string };
  };
  Action?: { Block?: { CustomResponse?: unknown } };
  OverrideAction?: unknown;
};

/** A byte match on one request field, as the scope-down of the /leads rule spells it. */
const exactly = (field: string, value: string, transformation: string) => ({
  ByteMatchStatement: {
    FieldToMatch: { [field]: {} },
    PositionalConstraint: 'EXACTLY',
    SearchString: value,
    TextTransformations: [{ Priority: 0, Type: transformation }],
  },
});

/** A 429 with the window as Retry-After and the body that names no rule. */
const tooManyRequests = (retryAfterSeconds: number) => ({
  Block: {
    CustomResponse: {
      ResponseCode: 429,
      CustomResponseBodyKey: TOO_MANY_REQUESTS_BODY,
      ResponseHeaders: [{ Name: 'Retry-After', Value: String(retryAfterSeconds) }],
    },
  },
});

describe('the Edge stack: WAF in front of CloudFront', () => {
  let edge: SynthesizedEdge;
  let webAcl: Resource;
  let rules: Rule[];
  const rule = (name: string) => rules.find((candidate) => candidate.Name === name);
  beforeAll(() => {
    edge = synthEdge();
    const acls = Object.values(edge.template.findResources('AWS::WAFv2::WebACL')) as Resource[];
    expect(acls).toHaveLength(1);
    webAcl = acls[0]!;
    rules = webAcl.Properties.Rules as Rule[];
  });

  it('is a CLOUDFRONT-scope WebACL in us-east-1, the only place AWS accepts one for CloudFront, allowing by default', () => {
    expect(edge.stack.region).toBe('us-east-1');
    expect(webAcl.Properties).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
  });

  it('checks the AWS IP reputation list first, with the group’s own actions', () => {
    expect(rules.map((candidate) => candidate.Name)).toEqual([
      'AmazonIpReputation',
      'LeadsPerAddress',
      'SitePerAddress',
    ]);
    expect(rules.map((candidate) => candidate.Priority)).toEqual([0, 1, 2]);
    expect(rule('AmazonIpReputation')).toMatchObject({
      Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' } },
      OverrideAction: { None: {} },
    });
  });

  it('answers more than 30 POST /leads a minute from one client IP with a 429 and a Retry-After', () => {
    const leads = rule('LeadsPerAddress')!;
    expect(leads.Statement.RateBasedStatement).toEqual({
      Limit: 30,
      EvaluationWindowSec: 60,
      // The address CloudFront sees, not X-Forwarded-For, which the client writes.
      AggregateKeyType: 'IP',
      ScopeDownStatement: {
        AndStatement: {
          Statements: [exactly('Method', 'POST', 'NONE'), exactly('UriPath', '/leads', 'URL_DECODE')],
        },
      },
    });
    expect(leads.Action).toEqual(tooManyRequests(60));
    expect(deployConfig.waf.leadsPerAddress).toEqual({ limit: 30, window: Duration.minutes(1) });
  });

  it('counts exactly the path CloudFront forwards to the capture API', () => {
    const main = synth();
    const behaviors = (
      resourceOf(main, main.stack.site.distribution).Properties.DistributionConfig as {
        CacheBehaviors: { PathPattern: string }[];
      }
    ).CacheBehaviors;
    expect(behaviors.map((behavior) => behavior.PathPattern)).toContain(LEADS_PATH);
    expect(JSON.stringify(rule('LeadsPerAddress')!.Statement)).toContain(`"SearchString":"${LEADS_PATH}"`);
  });

  it('leaves the exact per-address count to the handler: its limit is below the WAF one', () => {
    const { leadsPerAddress } = deployConfig.waf;
    const wafPerMinute = leadsPerAddress.limit / leadsPerAddress.window.toMinutes();
    expect(wafPerMinute).toBeGreaterThan(deployConfig.capture.rateLimits.perAddressPerMinute);
  });

  it('limits all requests to the site per client IP, more loosely, with a 429 of its own window', () => {
    const site = rule('SitePerAddress')!;
    expect(site.Statement.RateBasedStatement).toEqual({
      Limit: 1000,
      EvaluationWindowSec: 300,
      AggregateKeyType: 'IP',
    });
    expect(site.Action).toEqual(tooManyRequests(300));
  });

  it('says nothing in its 429 about which rule or limit was hit', () => {
    const bodies = webAcl.Properties.CustomResponseBodies as Record<string, { ContentType: string; Content: string }>;
    expect(Object.keys(bodies)).toEqual([TOO_MANY_REQUESTS_BODY]);
    expect(bodies[TOO_MANY_REQUESTS_BODY]!.ContentType).toBe('TEXT_PLAIN');
    expect(bodies[TOO_MANY_REQUESTS_BODY]!.Content).not.toMatch(/waf|rule|limit|\bip\b|\d/i);
  });

  it('prints the ARN site.webAclArn takes', () => {
    const outputs = edge.template.findOutputs('WebAclArn') as Record<string, { Value: unknown; Description: string }>;
    expect(outputs.WebAclArn?.Value).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    expect(outputs.WebAclArn?.Description).toMatch(/site\.webAclArn/);
  });

  it('deploys without a CDK bootstrap of us-east-1: no assets, no bootstrap version check, CLI credentials', () => {
    const template = edge.template.toJSON();
    expect(template.Parameters).toBeUndefined();
    expect(template.Rules).toBeUndefined();
    expect(edge.stack.synthesizer).toBeInstanceOf(LegacyStackSynthesizer);
    expect(JSON.stringify(template).length).toBeLessThan(50 * 1024);
  });

  it('sends no request to a log: metrics and WAF’s short-lived samples only', () => {
    edge.template.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 0);
  });

  it('leaves no AwsSolutions finding, and acknowledges none', () => {
    expect(edge.nagFindings).toEqual([]);
    expect(edge.acknowledgements).toEqual([]);
  });

  it('refuses a window or a limit WAF does not accept, naming the setting', () => {
    const waf = deployConfig.waf;
    expect(() => synthEdge({ waf: { ...waf, leadsPerAddress: { limit: 30, window: Duration.minutes(3) } } })).toThrow(
      /waf\.leadsPerAddress\.window/,
    );
    expect(() => synthEdge({ waf: { ...waf, sitePerAddress: { limit: 5, window: Duration.minutes(5) } } })).toThrow(
      /waf\.sitePerAddress\.limit/,
    );
  });
});

describe('the distribution with site.webAclArn set', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth({ site: { ...deployConfig.site, webAclArn: WEB_ACL_ARN } });
  });

  it('is associated with that WebACL', () => {
    const config = resourceOf(s, s.stack.site.distribution).Properties.DistributionConfig as { WebACLId?: unknown };
    expect(config.WebACLId).toBe(WEB_ACL_ARN);
  });

  it('no longer acknowledges AwsSolutions-CFR2, and leaves no finding', () => {
    expect(s.acknowledgements.filter((ack) => ack.id.endsWith('AwsSolutions-CFR2'))).toEqual([]);
    expect(s.nagFindings).toEqual([]);
  });

  it('keeps the API stage throttle: the execute-api URL is not behind WAF', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: {
        ThrottlingRateLimit: deployConfig.api.throttle.rateLimit,
        ThrottlingBurstLimit: deployConfig.api.throttle.burstLimit,
      },
    });
  });
});

describe('the distribution without WAF (the default)', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth();
  });

  it('has no WebACL, and says in the CFR2 acknowledgement why and how to attach one', () => {
    const config = resourceOf(s, s.stack.site.distribution).Properties.DistributionConfig as { WebACLId?: unknown };
    expect(config.WebACLId).toBeUndefined();
    const cfr2 = s.acknowledgements.filter((ack) => ack.id.endsWith('AwsSolutions-CFR2'));
    expect(cfr2).toHaveLength(1);
    expect(cfr2[0]!.reason).toMatch(/Edge stack.*site\.webAclArn.*stage throttle.*per-address and per-email/s);
    expect(s.nagFindings).toEqual([]);
  });

  it('refuses a WebACL CloudFront cannot use (a regional one)', () => {
    const regional = 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/Api/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';
    expect(() => synth({ site: { ...deployConfig.site, webAclArn: regional } })).toThrow(/CLOUDFRONT-scope/);
  });
});
