import { Match } from 'aws-cdk-lib/assertions';
import { deployConfig } from '../../infra/config';
import { cloudFrontHeaders } from '../../infra/constructs/response-headers';
import {
  ADMIN_API_PATH_PATTERN,
  CONSOLE_PATH_PATTERN,
  consoleSecurityHeaders,
  LEADS_PATH,
} from '../../infra/constructs/site';
import { HSTS_MAX_AGE_SECONDS, makeSecurityHeaders, securityHeaders } from '../../web/security-headers';
import { type Synthesized, synth } from './synth';
import { logicalId, type Resource, resourceOf } from './template';

const WEB_ACL_ARN =
  'arn:aws:wafv2:us-east-1:111111111111:global/webacl/SiteFirewall/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';

/** CloudFront's managed SECURITY_HEADERS policy, which this custom policy replaces. */
const MANAGED_SECURITY_HEADERS_ID = '67f7725c-6f97-4210-82d7-5512b31e9d03';

type PolicyConfig = {
  SecurityHeadersConfig?: {
    ContentSecurityPolicy?: { ContentSecurityPolicy: string; Override: boolean };
    StrictTransportSecurity?: {
      AccessControlMaxAgeSec: number;
      IncludeSubdomains?: boolean;
      Preload?: boolean;
      Override: boolean;
    };
    ContentTypeOptions?: { Override: boolean };
    FrameOptions?: { FrameOption: string; Override: boolean };
    ReferrerPolicy?: { ReferrerPolicy: string; Override: boolean };
    XSSProtection?: { Protection: boolean; ModeBlock?: boolean; ReportUri?: string; Override: boolean };
  };
  CustomHeadersConfig?: { Items: { Header: string; Value: string; Override: boolean }[] };
};

/** The headers CloudFront adds to each response under a policy, written as CloudFront writes them. */
function headersSentBy(config: PolicyConfig): Record<string, string> {
  const security = config.SecurityHeadersConfig ?? {};
  const sent: Record<string, string> = {};
  if (security.ContentSecurityPolicy)
    sent['Content-Security-Policy'] = security.ContentSecurityPolicy.ContentSecurityPolicy;
  if (security.StrictTransportSecurity) {
    const hsts = security.StrictTransportSecurity;
    sent['Strict-Transport-Security'] = [
      `max-age=${hsts.AccessControlMaxAgeSec}`,
      ...(hsts.IncludeSubdomains ? ['includeSubDomains'] : []),
      ...(hsts.Preload ? ['preload'] : []),
    ].join('; ');
  }
  if (security.ContentTypeOptions) sent['X-Content-Type-Options'] = 'nosniff';
  if (security.FrameOptions) sent['X-Frame-Options'] = security.FrameOptions.FrameOption;
  if (security.ReferrerPolicy) sent['Referrer-Policy'] = security.ReferrerPolicy.ReferrerPolicy;
  if (security.XSSProtection) {
    const xss = security.XSSProtection;
    sent['X-XSS-Protection'] = xss.Protection
      ? ['1', ...(xss.ModeBlock ? ['mode=block'] : []), ...(xss.ReportUri ? [`report=${xss.ReportUri}`] : [])].join(
          '; ',
        )
      : '0';
  }
  for (const item of config.CustomHeadersConfig?.Items ?? []) sent[item.Header] = item.Value;
  return sent;
}

/** Every `Override` in a policy: whether CloudFront replaces what the origin (S3, the API) sent. */
function overrides(config: PolicyConfig): boolean[] {
  return [
    ...Object.values(config.SecurityHeadersConfig ?? {}).map((setting) => setting.Override),
    ...(config.CustomHeadersConfig?.Items ?? []).map((item) => item.Override),
  ];
}

/** Renders cloudFrontHeaders() the way the template would hold it. */
function asTemplate(headers: Readonly<Record<string, string>>): PolicyConfig {
  const { securityHeadersBehavior: security = {}, customHeadersBehavior: custom } = cloudFrontHeaders(headers);
  return {
    SecurityHeadersConfig: {
      ...(security.contentSecurityPolicy && {
        ContentSecurityPolicy: {
          ContentSecurityPolicy: security.contentSecurityPolicy.contentSecurityPolicy,
          Override: security.contentSecurityPolicy.override,
        },
      }),
      ...(security.strictTransportSecurity && {
        StrictTransportSecurity: {
          AccessControlMaxAgeSec: security.strictTransportSecurity.accessControlMaxAge.toSeconds(),
          IncludeSubdomains: security.strictTransportSecurity.includeSubdomains,
          Preload: security.strictTransportSecurity.preload,
          Override: security.strictTransportSecurity.override,
        },
      }),
      ...(security.contentTypeOptions && { ContentTypeOptions: { Override: security.contentTypeOptions.override } }),
      ...(security.frameOptions && {
        FrameOptions: { FrameOption: security.frameOptions.frameOption, Override: security.frameOptions.override },
      }),
      ...(security.referrerPolicy && {
        ReferrerPolicy: {
          ReferrerPolicy: security.referrerPolicy.referrerPolicy,
          Override: security.referrerPolicy.override,
        },
      }),
      ...(security.xssProtection && {
        XSSProtection: {
          Protection: security.xssProtection.protection,
          ModeBlock: security.xssProtection.modeBlock,
          ReportUri: security.xssProtection.reportUri,
          Override: security.xssProtection.override,
        },
      }),
    },
    ...(custom && {
      CustomHeadersConfig: {
        Items: custom.customHeaders.map((item) => ({
          Header: item.header,
          Value: item.value,
          Override: item.override,
        })),
      },
    }),
  };
}

describe('security headers through CloudFront', () => {
  let s: Synthesized;
  let policyId: string;
  let policy: PolicyConfig;
  let distribution: {
    DefaultCacheBehavior: { ResponseHeadersPolicyId: unknown };
    CacheBehaviors: { PathPattern: string; ResponseHeadersPolicyId: unknown }[];
  };
  beforeAll(() => {
    s = synth();
    const policies = s.template.findResources('AWS::CloudFront::ResponseHeadersPolicy') as Record<string, Resource>;
    // The site's, and the console pages' (the same plus the Hosted UI in connect-src).
    expect(Object.keys(policies)).toHaveLength(2);
    policyId = logicalId(s, s.stack.site.responseHeadersPolicy);
    policy = policies[policyId]!.Properties.ResponseHeadersPolicyConfig as PolicyConfig;
    distribution = resourceOf(s, s.stack.site.distribution).Properties.DistributionConfig as typeof distribution;
  });

  it('sends exactly the headers of web/security-headers.ts, the ones the local stack sends', () => {
    expect(headersSentBy(policy)).toEqual({ ...securityHeaders });
  });

  it('replaces whatever S3 or the API sent for those headers', () => {
    expect(overrides(policy).length).toBe(Object.keys(securityHeaders).length);
    for (const override of overrides(policy)) expect(override).toBe(true);
  });

  it('covers CSP with frame-ancestors, HSTS for two years with subdomains, nosniff, Referrer-Policy, frame denial and Permissions-Policy', () => {
    const security = policy.SecurityHeadersConfig!;
    expect(security.ContentSecurityPolicy?.ContentSecurityPolicy).toMatch(/(^|; )default-src 'self'(;|$)/);
    expect(security.ContentSecurityPolicy?.ContentSecurityPolicy).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
    expect(security.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS,
      IncludeSubdomains: true,
    });
    expect(HSTS_MAX_AGE_SECONDS).toBeGreaterThanOrEqual(31_536_000);
    expect(security.ContentTypeOptions).toEqual({ Override: true });
    expect(security.ReferrerPolicy?.ReferrerPolicy).toBe('strict-origin-when-cross-origin');
    expect(security.FrameOptions?.FrameOption).toBe('DENY');
    // CloudFront has no typed setting for it: a custom header.
    expect(policy.CustomHeadersConfig?.Items).toContainEqual({
      Header: 'Permissions-Policy',
      Value: securityHeaders['Permissions-Policy'],
      Override: true,
    });
  });

  it('attaches that policy to the pages and to /leads, whose form errors are HTML pages too', () => {
    expect(distribution.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    const leads = distribution.CacheBehaviors.find((behavior) => behavior.PathPattern === LEADS_PATH);
    expect(leads?.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
  });

  it('leaves no behaviour without it, bar the console pages’ own variant, and uses no managed policy in its place', () => {
    const consolePolicyId = logicalId(s, s.stack.site.consoleHeadersPolicy!);
    for (const behavior of distribution.CacheBehaviors) {
      expect({ path: behavior.PathPattern, policy: behavior.ResponseHeadersPolicyId }).toEqual({
        path: behavior.PathPattern,
        policy: { Ref: behavior.PathPattern === CONSOLE_PATH_PATTERN ? consolePolicyId : policyId },
      });
    }
    expect(JSON.stringify(distribution)).not.toContain(MANAGED_SECURITY_HEADERS_ID);
  });

  it('answers the console’s API with the site’s policy: JSON on the site’s own origin', () => {
    const api = distribution.CacheBehaviors.find((behavior) => behavior.PathPattern === ADMIN_API_PATH_PATTERN);
    expect(api?.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
  });

  it('gives the console pages the site’s headers with only the Hosted UI added to connect-src, for the PKCE token exchange', () => {
    const { site, consoleAuth } = s.stack;
    const config = resourceOf(s, site.consoleHeadersPolicy!).Properties.ResponseHeadersPolicyConfig as PolicyConfig;
    const csp = config.SecurityHeadersConfig?.ContentSecurityPolicy?.ContentSecurityPolicy;
    // The Hosted UI's name holds the region, known at deploy: the CSP is a join around it.
    const expected = securityHeaders['Content-Security-Policy']!.replace(
      "connect-src 'self'",
      `connect-src 'self' ${consoleAuth.hostedUiUrl}`,
    );
    expect(csp).toEqual(s.stack.resolve(expected));
    expect(JSON.stringify(csp)).toMatch(
      /connect-src 'self' https:\/\/".*\.auth\.".*\.amazoncognito\.com; form-action 'self'/,
    );
    const { 'Content-Security-Policy': _console, ...rest } = headersSentBy(config);
    const { 'Content-Security-Policy': _site, ...siteRest } = securityHeaders;
    expect(rest).toEqual(siteRest);
    expect(overrides(config).every(Boolean)).toBe(true);
  });

  it('sends the same headers, on every behaviour, with a custom domain and WAF attached', () => {
    const configured = synth({
      site: {
        ...deployConfig.site,
        certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
        webAclArn: WEB_ACL_ARN,
      },
    });
    const config = resourceOf(configured, configured.stack.site.responseHeadersPolicy).Properties
      .ResponseHeadersPolicyConfig as PolicyConfig;
    expect(headersSentBy(config)).toEqual({ ...securityHeaders });
    const id = { Ref: logicalId(configured, configured.stack.site.responseHeadersPolicy) };
    configured.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({ ResponseHeadersPolicyId: id }),
        CacheBehaviors: [
          Match.objectLike({ PathPattern: LEADS_PATH, ResponseHeadersPolicyId: id }),
          Match.objectLike({
            PathPattern: CONSOLE_PATH_PATTERN,
            ResponseHeadersPolicyId: { Ref: logicalId(configured, configured.stack.site.consoleHeadersPolicy!) },
          }),
          Match.objectLike({ PathPattern: ADMIN_API_PATH_PATTERN, ResponseHeadersPolicyId: id }),
        ],
      }),
    });
  });
});

describe('consoleSecurityHeaders', () => {
  it('adds a literal Hosted UI origin to connect-src and changes nothing else', () => {
    const headers = consoleSecurityHeaders('https://clinic.auth.eu-west-1.amazoncognito.com');
    expect(headers).toEqual(makeSecurityHeaders({ authOrigin: 'https://clinic.auth.eu-west-1.amazoncognito.com' }));
    expect(headers['Content-Security-Policy']).toContain(
      "connect-src 'self' https://clinic.auth.eu-west-1.amazoncognito.com;",
    );
  });
});

describe('cloudFrontHeaders', () => {
  it('keeps an API origin named in the CSP, for a page whose API is on another origin', () => {
    const headers = makeSecurityHeaders({ apiOrigin: 'https://api.example.com' });
    expect(headersSentBy(asTemplate(headers))).toEqual(headers);
    expect(headers['Content-Security-Policy']).toContain("connect-src 'self' https://api.example.com");
  });

  it('sends HSTS preload and X-XSS-Protection when asked to', () => {
    const headers = {
      'Strict-Transport-Security': 'max-age=31536000; includeSubDomains; preload',
      'X-XSS-Protection': '1; mode=block',
    };
    expect(headersSentBy(asTemplate(headers))).toEqual(headers);
    expect(headersSentBy(asTemplate({ 'X-XSS-Protection': '0' }))).toEqual({ 'X-XSS-Protection': '0' });
  });

  it('refuses a value CloudFront could not send as written, naming the header', () => {
    expect(() => cloudFrontHeaders({ 'Referrer-Policy': 'strict-origin-when-crossorigin' })).toThrow(/Referrer-Policy/);
    expect(() => cloudFrontHeaders({ 'X-Frame-Options': 'ALLOW-FROM https://example.com' })).toThrow(/X-Frame-Options/);
    expect(() => cloudFrontHeaders({ 'Strict-Transport-Security': 'includeSubDomains' })).toThrow(
      /Strict-Transport-Security/,
    );
    expect(() => cloudFrontHeaders({ 'Strict-Transport-Security': 'max-age=60; includeSubDomain' })).toThrow(
      /Strict-Transport-Security/,
    );
    expect(() => cloudFrontHeaders({ 'X-Content-Type-Options': 'sniff' })).toThrow(/X-Content-Type-Options/);
  });

  it('sends any other header as a custom header, unchanged', () => {
    const { customHeadersBehavior } = cloudFrontHeaders({ 'Cross-Origin-Opener-Policy': 'same-origin' });
    expect(customHeadersBehavior?.customHeaders).toEqual([
      { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
    ]);
  });
});
