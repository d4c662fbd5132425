import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnOutput, type Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ADMIN_API_PREFIX } from '../../functions/admin/contract';
import { ORIGIN_VERIFY_HEADER } from '../../functions/http/origin-verify';
import { PUBLIC_ROUTES } from '../../functions/http/public-routes';
import { CONSOLE_CONFIG_FILE, CONSOLE_PATH } from '../../web/build';
import type { CognitoAuthConfig, ConsoleConfig } from '../../web/console/src/config';
import { makeSecurityHeaders, securityHeaders } from '../../web/security-headers';
import { acknowledge } from '../nag';
import { cloudFrontHeaders } from './response-headers';

/** Same-origin path of the capture endpoint: the no-JavaScript form posts here. */
export const LEADS_PATH = PUBLIC_ROUTES.capture.path;

/** The marketing console's files (web/build.ts builds them into `<site>/console/`). */
export const CONSOLE_PATH_PATTERN = `/${CONSOLE_PATH}/*`;
/** The console's API, routed like `/leads` to the HTTP API, so the console calls it same-origin. */
export const ADMIN_API_PATH_PATTERN = `${ADMIN_API_PREFIX}/*`;
/** Where the deploy writes the console's settings; the site build's own (local login) never ships. */
export const CONSOLE_CONFIG_KEY = `${CONSOLE_PATH}/${CONSOLE_CONFIG_FILE}`;

/**
 * Stand-in for an origin known only at deploy (the Hosted UI's name holds the region):
 * `makeSecurityHeaders` checks its options with `new URL()`, which a CDK token cannot pass.
 */
const DEPLOY_TIME_ORIGIN = 'https://deploy-time-origin.invalid';

/**
 * The site's security headers for the console's pages, with the Cognito Hosted UI's origin in
 * `connect-src`: the console trades the sign-in code for tokens at its `/oauth2/token` from the
 * browser. Everything else is exactly the site's policy.
 */
export function consoleSecurityHeaders(authOrigin: string): Record<string, string> {
  if (!Token.isUnresolved(authOrigin)) return makeSecurityHeaders({ authOrigin });
  const headers = makeSecurityHeaders({ authOrigin: DEPLOY_TIME_ORIGIN });
  const uses = Object.values(headers).join('\n').split(DEPLOY_TIME_ORIGIN).length - 1;
  if (uses !== 1)
    throw new Error(`Expected the Hosted UI origin once in the console's headers, found it ${uses} times`);
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, value.split(DEPLOY_TIME_ORIGIN).join(authOrigin)]),
  );
}

/**
 * The deployed console's `console-config.json` (web/console/src/config.ts parses it): Cognito
 * sign-in only, since the local login route exists only in the local stack.
 */
export type DeployedConsoleConfig = ConsoleConfig & { readonly auth: CognitoAuthConfig };

/**
 * A WebACL CloudFront can use: scope CLOUDFRONT (`global/webacl`), which exists only in us-east-1.
 * A regional WebACL's ARN would be refused by CloudFront at deploy; it is refused here at synth.
 */
const CLOUDFRONT_WEB_ACL_ARN = /^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[\w-]+$/;

/** Pages are folders (`thank-you/index.html`); files have an extension in their last segment. */
export const DIRECTORY_INDEX_FUNCTION = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith('/')) request.uri = uri + 'index.html';
  else if (uri.lastIndexOf('.') < uri.lastIndexOf('/')) request.uri = uri + '/index.html';
  return request;
}`;

/** What the page reads at run time from `/config.json`, written at deploy. */
export interface SiteRuntimeConfig {
  /** Where the form posts: same origin, routed by CloudFront to the API (no CORS needed). */
  readonly leadsUrl: string;
  /** The API's own base URL, for callers that are not served by this distribution. */
  readonly apiUrl: string;
}

export interface LandingSiteProps {
  /** The built landing page (`web/dist`), with an index.html at its root. */
  readonly assetDir: string;
  readonly api: { readonly domainName: string; readonly url: string };
  /** Serve this host name with this ACM certificate (us-east-1) instead of *.cloudfront.net. */
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
  readonly accessLogExpiration: Duration;
  readonly logRetention: logs.RetentionDays;
  /** ARN of the CLOUDFRONT-scope WAF WebACL to attach (the `…Edge` stack's output); none when unset. */
  readonly webAclArn?: string;
  /**
   * The secret CloudFront sends to the API as `x-origin-verify`. CloudFront origin headers are
   * plain values in the distribution's configuration, so the value comes from a dynamic reference
   * (`{{resolve:secretsmanager:…}}`) that CloudFormation resolves at deploy: it is never in the
   * template, though anyone allowed cloudfront:GetDistributionConfig can read it.
   */
  readonly originVerifySecret: ISecret;
}

/**
 * The landing page: a private S3 bucket behind CloudFront (origin access control), plus a
 * `/leads` behaviour that forwards form posts to the API so the page never needs CORS. Every
 * response carries the security headers of `web/security-headers.ts`, the same the local stack
 * sends; a WAF WebACL is attached when `webAclArn` is given.
 */
export class LandingSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /**
   * CSP, HSTS, nosniff, Referrer-Policy, frame denial and Permissions-Policy, on every behaviour
   * but the console's pages: give it to any behaviour added later. Its CSP allows only this
   * origin, so a page it covers must reach its API through this distribution too, or get its own
   * policy from `makeSecurityHeaders({ apiOrigin })`.
   */
  readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;
  /** Copies the built site, `config.json` and, with a console, `console/console-config.json`. */
  readonly deployment: BucketDeployment;
  /** https URL visitors use: the custom domain when configured, else the CloudFront name. */
  readonly url: string;
  /** The marketing console's address: `<url>/console/`. */
  readonly consoleUrl: string;
  private readonly contentOrigin: cloudfront.IOrigin;
  private readonly apiBehavior: cloudfront.BehaviorOptions;
  private readonly directoryIndex: cloudfront.Function;
  /** The console pages' headers policy, once `addConsole` made it. */
  private consolePolicy?: cloudfront.ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: LandingSiteProps) {
    super(scope, id);
    if (!fs.existsSync(path.join(props.assetDir, 'index.html'))) {
      throw new Error(`${props.assetDir} has no index.html: build the landing page first (npm run build)`);
    }
    if (props.webAclArn !== undefined && !CLOUDFRONT_WEB_ACL_ARN.test(props.webAclArn)) {
      throw new Error(
        `site.webAclArn ${props.webAclArn} is not a CLOUDFRONT-scope WebACL (arn:aws:wafv2:us-east-1:<account>:global/webacl/…): ` +
          'use the WebAclArn output of the Edge stack',
      );
    }

    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // CloudFront standard logs are delivered with an ACL grant, so ACLs must stay usable.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: props.accessLogExpiration }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bucket = new s3.Bucket(this, 'Content', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3-content/',
      // Rebuilt from the repository on every deploy; kept on stack delete only because a
      // non-empty bucket cannot be deleted without an extra custom-resource function.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // One policy for pages and /leads alike: on a form error without JavaScript, the capture
    // function answers /leads with an HTML page, which needs the CSP as much as the landing page.
    this.responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Security headers of web/security-headers.ts, as the local stack sends them',
      ...cloudFrontHeaders(securityHeaders),
    });

    this.apiBehavior = {
      origin: new HttpOrigin(props.api.domainName, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
        // CloudFront replaces a viewer's own header of this name with this value.
        customHeaders: { [ORIGIN_VERIFY_HEADER]: props.originVerifySecret.secretValue.unsafeUnwrap() },
      }),
      // A form post must not be redirected: a 301 would turn it into a GET and lose the body.
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      // Everything but Host, which must stay the API's own for API Gateway to route the call.
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.responseHeadersPolicy,
    };

    // S3 behind OAC has no directory index: `/thank-you/` must be asked for as its index.html.
    this.directoryIndex = new cloudfront.Function(this, 'DirectoryIndex', {
      comment: 'Serve <dir>/index.html for /dir/ and /dir',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(DIRECTORY_INDEX_FUNCTION),
    });

    this.contentOrigin = S3BucketOrigin.withOriginAccessControl(this.bucket);
    const custom = props.customDomain;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Landing page and lead form',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: this.contentOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        functionAssociations: [
          { function: this.directoryIndex, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
      additionalBehaviors: { [LEADS_PATH]: this.apiBehavior },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // North America and Europe edges: where a single practice's visitors are.
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      // Rate-based rules for POST /leads and the whole site, and the IP reputation list.
      webAclId: props.webAclArn,
      ...(custom && {
        domainNames: [custom.domainName],
        certificate: Certificate.fromCertificateArn(this, 'Certificate', custom.certificateArn),
        minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      }),
    });
    this.url = custom ? `https://${custom.domainName}` : `https://${this.distribution.distributionDomainName}`;
    this.consoleUrl = `${this.url}/${CONSOLE_PATH}/`;

    acknowledge(
      this.distribution,
      'A practice takes consultations from visitors wherever they are (travel, seasonal residents); ' +
        'blocking countries would turn away real patients and protects nothing on a static page.',
      'AwsSolutions-CFR1',
    );
    if (!props.webAclArn) {
      acknowledge(
        this.distribution,
        'Configuration without WAF: the WebACL for CloudFront must live in us-east-1, so it is the separate, ' +
          'optional Edge stack (see infra/app.ts), attached by setting site.webAclArn to its output. Until then ' +
          'POST /leads is bounded by the API stage throttle and the handler’s per-address and per-email limits ' +
          '(429 with Retry-After), and the rest of the site is static, cached files.',
        'AwsSolutions-CFR2',
      );
    }
    if (!custom) {
      acknowledge(
        this.distribution,
        'Without a custom domain CloudFront serves its default *.cloudfront.net certificate, whose TLS ' +
          'policy cannot be set. Setting site.certificateArn in infra/config.ts enforces TLSv1.2_2021.',
        'AwsSolutions-CFR4',
      );
    }

    this.deployment = this.deploySite(props);

    new CfnOutput(this, 'Url', { description: 'Landing page URL', value: this.url });
    new CfnOutput(this, 'DistributionDomainName', {
      description: 'Point the custom domain (CNAME or alias) here',
      value: this.distribution.distributionDomainName,
    });
  }

  /** The same headers for `/console/*`, with the Hosted UI in `connect-src` (see `addConsole`). */
  get consoleHeadersPolicy(): cloudfront.ResponseHeadersPolicy | undefined {
    return this.consolePolicy;
  }

  /**
   * The marketing console on this distribution: its pages under `/console/` from the bucket, with
   * the site's headers plus the Hosted UI (`config.auth.domain`) in `connect-src`; its API under
   * `/admin/api/*`, routed to the HTTP API exactly as `/leads` is (uncached, every viewer header
   * but Host, so the `Authorization` bearer token reaches the JWT authorizer; all methods); and
   * `config` written to `console/console-config.json` at deploy. Same origin throughout, so the
   * API needs no CORS and `connect-src 'self'` covers it.
   */
  addConsole(config: DeployedConsoleConfig): void {
    if (this.consolePolicy) throw new Error('The console is already on this site');
    this.consolePolicy = new cloudfront.ResponseHeadersPolicy(this, 'ConsoleSecurityHeaders', {
      comment: 'Security headers of web/security-headers.ts, with the Cognito Hosted UI in connect-src',
      ...cloudFrontHeaders(consoleSecurityHeaders(config.auth.domain)),
    });
    this.distribution.addBehavior(CONSOLE_PATH_PATTERN, this.contentOrigin, {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: this.consolePolicy,
      // `/console/` is the console's index.html, as for every folder page of the site.
      functionAssociations: [{ function: this.directoryIndex, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
    });
    const { origin, ...api } = this.apiBehavior;
    this.distribution.addBehavior(ADMIN_API_PATH_PATTERN, origin, api);
    this.deployment.addSource(Source.jsonData(CONSOLE_CONFIG_KEY, config));
  }

  /**
   * Copies the built site and a deploy-time `config.json` into the bucket, then invalidates
   * the CDN. BucketDeployment runs a CDK-provided function; we give it our own role (no managed
   * policy, logs only to its own group) and acknowledge exactly the findings CDK's code causes.
   */
  private deploySite(props: LandingSiteProps): BucketDeployment {
    const logGroup = new logs.LogGroup(this, 'DeploymentLogs', { retention: props.logRetention });
    const role = new iam.Role(this, 'DeploymentRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the built landing page into its bucket at deploy',
    });
    logGroup.grantWrite(role);

    const runtimeConfig: SiteRuntimeConfig = { leadsUrl: LEADS_PATH, apiUrl: props.api.url };
    const deployment = new BucketDeployment(this, 'Deployment', {
      sources: [
        // The build writes a local-login console-config.json; the deploy writes the Cognito one.
        Source.asset(props.assetDir, { exclude: [CONSOLE_CONFIG_KEY] }),
        Source.jsonData('config.json', runtimeConfig),
      ],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 256,
      role,
      logGroup,
    });

    const stack = Stack.of(this);
    const contentArn = `<${stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>`;
    acknowledge(
      role,
      'Statements written by CDK BucketDeployment, which runs only during deployments: the s3 wildcards ' +
        'are object-level actions on the CDK asset bucket (read) and on this site bucket (sync and prune); ' +
        'the "*" resource is for cloudfront:CreateInvalidation/GetInvalidation, which CDK does not scope ' +
        'to the distribution and which can only expire cached copies of this public site.',
      'AwsSolutions-IAM5[Action::s3:GetBucket*]',
      'AwsSolutions-IAM5[Action::s3:GetObject*]',
      'AwsSolutions-IAM5[Action::s3:List*]',
      'AwsSolutions-IAM5[Action::s3:Abort*]',
      'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
      `AwsSolutions-IAM5[Resource::${contentArn}/*]`,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
      'AwsSolutions-IAM5[Resource::*]',
    );
    // The function itself is a singleton CDK creates at stack level, beside this construct.
    const handler = stack.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!handler) throw new Error('BucketDeployment function not found: revisit its cdk-nag acknowledgement');
    acknowledge(
      handler,
      'CDK BucketDeployment function: aws-cdk-lib chooses its Python runtime and moves it forward on upgrade; ' +
        'it runs only during deployments and is not reachable from outside.',
      'AwsSolutions-L1',
    );
    return deployment;
  }
}
