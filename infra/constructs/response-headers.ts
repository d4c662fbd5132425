import { Duration } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';

/** The parts of a CloudFront response headers policy that set headers on every response. */
export type HeadersBehaviors = Pick<
  cloudfront.ResponseHeadersPolicyProps,
  'securityHeadersBehavior' | 'customHeadersBehavior'
>;

const REFERRER_POLICIES: readonly string[] = Object.values(cloudfront.HeadersReferrerPolicy);
const FRAME_OPTIONS: Readonly<Record<string, cloudfront.HeadersFrameOption>> = {
  DENY: cloudfront.HeadersFrameOption.DENY,
  SAMEORIGIN: cloudfront.HeadersFrameOption.SAMEORIGIN,
};

/**
 * Turns a header map (`web/security-headers.ts`, the one the local stack sends) into a CloudFront
 * response headers policy that sends exactly those values, each overriding whatever the origin
 * sent. CloudFront takes the security headers it knows as typed settings and refuses them as
 * custom headers, so those are parsed; the rest (Permissions-Policy, Cross-Origin-Opener-Policy)
 * become custom headers. A value CloudFront cannot express fails the synth with its name, rather
 * than deploy a policy that silently differs from the local one.
 */
export function cloudFrontHeaders(headers: Readonly<Record<string, string>>): HeadersBehaviors {
  const security: Writable<cloudfront.ResponseSecurityHeadersBehavior> = {};
  const custom: cloudfront.ResponseCustomHeader[] = [];
  const override = true;

  for (const [header, value] of Object.entries(headers)) {
    const invalid = (expected: string) => new Error(`Security header ${header}: "${value}" is not ${expected}`);
    switch (header.toLowerCase()) {
      case 'content-security-policy':
        security.contentSecurityPolicy = { contentSecurityPolicy: value, override };
        break;
      case 'strict-transport-security':
        security.strictTransportSecurity = { ...parseHsts(value, invalid), override };
        break;
      case 'x-content-type-options':
        if (value.toLowerCase() !== 'nosniff') throw invalid('"nosniff", the only value CloudFront sends');
        security.contentTypeOptions = { override };
        break;
      case 'x-frame-options': {
        const frameOption = FRAME_OPTIONS[value.toUpperCase()];
        if (!frameOption) throw invalid('DENY or SAMEORIGIN');
        security.frameOptions = { frameOption, override };
        break;
      }
      case 'referrer-policy':
        if (!REFERRER_POLICIES.includes(value)) throw invalid(`one of ${REFERRER_POLICIES.join(', ')}`);
        security.referrerPolicy = { referrerPolicy: value as cloudfront.HeadersReferrerPolicy, override };
        break;
      case 'x-xss-protection':
        security.xssProtection = { ...parseXssProtection(value, invalid), override };
        break;
      default:
        custom.push({ header, value, override });
    }
  }
  return {
    securityHeadersBehavior: security,
    ...(custom.length > 0 && { customHeadersBehavior: { customHeaders: custom } }),
  };
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

function parseHsts(
  value: string,
  invalid: (expected: string) => Error,
): Omit<cloudfront.ResponseHeadersStrictTransportSecurity, 'override'> {
  const directives = value.split(';').map((directive) => directive.trim().toLowerCase());
  const maxAge = /^max-age=(\d+)$/.exec(directives[0] ?? '')?.[1];
  const rest = directives.slice(1).filter(Boolean);
  if (maxAge === undefined || rest.some((directive) => directive !== 'includesubdomains' && directive !== 'preload')) {
    throw invalid('"max-age=<seconds>" followed by includeSubDomains and/or preload');
  }
  return {
    accessControlMaxAge: Duration.seconds(Number(maxAge)),
    includeSubdomains: rest.includes('includesubdomains'),
    preload: rest.includes('preload'),
  };
}

function parseXssProtection(
  value: string,
  invalid: (expected: string) => Error,
): Omit<cloudfront.ResponseHeadersXSSProtection, 'override'> {
  const [flag, ...directives] = value.split(';').map((part) => part.trim());
  const modeBlock = directives.some((directive) => directive.toLowerCase() === 'mode=block');
  const reportUri = directives.find((directive) => directive.toLowerCase().startsWith('report='))?.slice(7);
  if ((flag !== '0' && flag !== '1') || (flag === '0' && directives.length > 0)) {
    throw invalid('"0", "1", "1; mode=block" or "1; report=<uri>"');
  }
  return { protection: flag === '1', modeBlock, ...(reportUri && { reportUri }) };
}
