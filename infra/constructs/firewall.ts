import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { RateLimit } from '../config';

/** The evaluation windows a WAF rate-based rule accepts, in seconds. */
const WAF_WINDOWS = [60, 120, 300, 600];
const WAF_MIN_LIMIT = 10;

/** Key of the body WAF sends with its 429s. */
export const TOO_MANY_REQUESTS_BODY = 'too-many-requests';

export interface SiteFirewallProps {
  /** The capture endpoint's path on the distribution (`/leads`). */
  readonly leadsPath: string;
  readonly leadsPerAddress: RateLimit;
  readonly sitePerAddress: RateLimit;
}

/**
 * The WAF WebACL in front of the landing page's CloudFront distribution (scope CLOUDFRONT, so
 * the stack holding it must be in us-east-1). In order: AWS's IP reputation list (known bots and
 * attack sources, 403), then two rate-based rules keyed on the client IP CloudFront sees (not
 * X-Forwarded-For, which a client can write): `POST /leads`, then every request. Both answer 429
 * with a Retry-After of their window and a body that says nothing about the rule.
 *
 * Nothing is logged beyond CloudWatch metrics and WAF's 3-hour request samples; the routes whose
 * path carries a token (`/u/{token}`, `/confirm/{token}`) never reach this distribution anyway.
 */
export class SiteFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: SiteFirewallProps) {
    super(scope, id);
    checkRateLimit('waf.leadsPerAddress', props.leadsPerAddress);
    checkRateLimit('waf.sitePerAddress', props.sitePerAddress);

    const rules: wafv2.CfnWebACL.RuleProperty[] = [
      {
        name: 'AmazonIpReputation',
        priority: 0,
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesAmazonIpReputationList' } },
        // The group's own actions (block, and count for its DDoS list).
        overrideAction: { none: {} },
        visibilityConfig: visibility('AmazonIpReputation'),
      },
      rateRule('LeadsPerAddress', 1, props.leadsPerAddress, {
        andStatement: {
          statements: [
            exactly({ method: {} }, 'POST'),
            // Decoded, so `/%6Ceads` is counted as what CloudFront routes it to.
            exactly({ uriPath: {} }, props.leadsPath, 'URL_DECODE'),
          ],
        },
      }),
      rateRule('SitePerAddress', 2, props.sitePerAddress),
    ];

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      description: 'Landing page and lead form: IP reputation, rate limits on POST /leads and on the whole site',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      rules,
      customResponseBodies: {
        [TOO_MANY_REQUESTS_BODY]: {
          contentType: 'TEXT_PLAIN',
          content: 'Too many requests, please try again shortly.',
        },
      },
      visibilityConfig: visibility('SiteFirewall'),
    });
  }
}

function rateRule(
  name: string,
  priority: number,
  rate: RateLimit,
  scopeDownStatement?: wafv2.CfnWebACL.StatementProperty,
): wafv2.CfnWebACL.RuleProperty {
  const window = rate.window.toSeconds();
  return {
    name,
    priority,
    statement: {
      rateBasedStatement: {
        limit: rate.limit,
        evaluationWindowSec: window,
        aggregateKeyType: 'IP',
        ...(scopeDownStatement && { scopeDownStatement }),
      },
    },
    action: {
      block: {
        customResponse: {
          responseCode: 429,
          customResponseBodyKey: TOO_MANY_REQUESTS_BODY,
          responseHeaders: [{ name: 'Retry-After', value: String(window) }],
        },
      },
    },
    visibilityConfig: visibility(name),
  };
}

function exactly(
  fieldToMatch: wafv2.CfnWebACL.FieldToMatchProperty,
  value: string,
  transformation = 'NONE',
): wafv2.CfnWebACL.StatementProperty {
  return {
    byteMatchStatement: {
      fieldToMatch,
      positionalConstraint: 'EXACTLY',
      searchString: value,
      textTransformations: [{ priority: 0, type: transformation }],
    },
  };
}

function visibility(metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { metricName, cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true };
}

function checkRateLimit(name: string, rate: RateLimit): void {
  const window = rate.window.toSeconds();
  if (!WAF_WINDOWS.includes(window)) {
    throw new Error(`${name}.window must be 1, 2, 5 or 10 minutes (WAF's evaluation windows), got ${window} s`);
  }
  if (!Number.isInteger(rate.limit) || rate.limit < WAF_MIN_LIMIT) {
    throw new Error(
      `${name}.limit must be a whole number of at least ${WAF_MIN_LIMIT} (WAF's minimum), got ${rate.limit}`,
    );
  }
}
