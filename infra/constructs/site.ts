import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnOutput, type Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { securityHeaders } from '../../web/security-headers';
import { acknowledge } from '../nag';
import { cloudFrontHeaders } from './response-headers';

/** Same-origin path of the capture endpoint: the no-JavaScript form posts here. */
export const LEADS_PATH = '/leads';

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
   * CSP, HSTS, nosniff, Referrer-Policy, frame denial and Permissions-Policy, on every behaviour:
   * give it to any behaviour added later (the console under `/console/`). Its CSP allows only this
   * origin, so a page it covers must reach its API through this distribution too, or get its own
   * policy from `makeSecurityHeaders({ apiOrigin })`.
   */
  readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;
  /** https URL visitors use: the custom domain when configured, else the CloudFront name. */
  readonly url: string;

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

    const apiBehavior: cloudfront.BehaviorOptions = {
      origin: new HttpOrigin(props.api.domainName, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
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
    const directoryIndex = new cloudfront.Function(this, 'DirectoryIndex', {
      comment: 'Serve <dir>/index.html for /dir/ and /dir',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(DIRECTORY_INDEX_FUNCTION),
    });

    const custom = props.customDomain;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Landing page and lead form',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        functionAssociations: [{ function: directoryIndex, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: { [LEADS_PATH]: apiBehavior },
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

    this.deploySite(props);

    new CfnOutput(this, 'Url', { description: 'Landing page URL', value: this.url });
    new CfnOutput(this, 'DistributionDomainName', {
      description: 'Point the custom domain (CNAME or alias) here',
      value: this.distribution.distributionDomainName,
    });
  }

  /**
   * Copies the built site and a deploy-time `config.json` into the bucket, then invalidates
   * the CDN. BucketDeployment runs a CDK-provided function; we give it our own role (no managed
   * policy, logs only to its own group) and acknowledge exactly the findings CDK's code causes.
   */
  private deploySite(props: LandingSiteProps): void {
    const logGroup = new logs.LogGroup(this, 'DeploymentLogs', { retention: props.logRetention });
    const role = new iam.Role(this, 'DeploymentRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the built landing page into its bucket at deploy',
    });
    logGroup.grantWrite(role);

    const runtimeConfig: SiteRuntimeConfig = { leadsUrl: LEADS_PATH, apiUrl: props.api.url };
    new BucketDeployment(this, 'Deployment', {
      sources: [Source.asset(props.assetDir), Source.jsonData('config.json', runtimeConfig)],
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
  }
}
