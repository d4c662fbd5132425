import { Duration } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { clinicConfig } from '../config/clinic';
import type { ClinicConfig } from '../functions/config/clinic-schema';

/**
 * Deploy-only settings. The practice's own details (sender, staff, address, origins) stay in
 * `config/clinic.ts`, the one file shared with the local stack; this adds what only AWS needs.
 */
export interface DeployConfig {
  readonly stackName: string;
  readonly clinic: ClinicConfig;
  /**
   * Partitions of the due index (`DUE#0..N-1`). The capture path writes into them and the
   * dispatcher reads all of them, so both get it from here. Only ever raise it: lowering it
   * would strand items in the shards no longer read.
   */
  readonly dueShards: number;
  /** `double` sends an opt-in link instead of enrolling at once (issue 4). */
  readonly consentMode: 'single' | 'double';
  readonly api: {
    /** Stage-wide limits for the public API: requests per second and the burst above it. */
    readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  };
  readonly capture: { readonly memorySize: number; readonly timeout: Duration };
  readonly observability: {
    readonly logRetention: RetentionDays;
    /** X-Ray active tracing on every function; off by default (cost, and logs already carry ids). */
    readonly tracing: boolean;
    readonly metricsNamespace: string;
  };
  readonly mail: {
    /**
     * An existing public Route 53 zone that holds the sending domain (the domain itself or a
     * parent). When set, the DKIM and MAIL FROM records are created in it; otherwise they are
     * printed as stack outputs to add at your DNS provider.
     */
    readonly hostedZone?: { readonly zoneName: string; readonly hostedZoneId: string };
    /** Custom MAIL FROM subdomain (e.g. `bounce` → bounce.<sendingDomain>) for SPF alignment. */
    readonly mailFromSubdomain?: string;
    /**
     * While the account is in the SES sandbox, SES authorizes each send against the verified
     * identity of every recipient too. List those verified test addresses (e.g. the staff
     * address) here; empty it once SES production access is granted.
     */
    readonly sandboxRecipients?: readonly string[];
  };
  readonly site: {
    /**
     * ACM certificate (in us-east-1, as CloudFront requires) for the host of
     * `clinic.practice.siteUrl`. When set, CloudFront serves that host with TLS 1.2+ and email
     * links use it; otherwise the site lives on its *.cloudfront.net name.
     */
    readonly certificateArn?: string;
    /** CloudFront and S3 access logs hold visitor IP addresses: keep them only this long. */
    readonly accessLogExpiration: Duration;
  };
}

export const deployConfig: DeployConfig = {
  stackName: 'ClinicLeadNurture',
  clinic: clinicConfig,
  dueShards: 8,
  consentMode: 'single',
  api: {
    // A practice's landing page sees a few leads a day; this leaves room for a campaign
    // spike while capping what a flood can cost in Lambda, DynamoDB and SES quota.
    throttle: { rateLimit: 10, burstLimit: 20 },
  },
  capture: { memorySize: 512, timeout: Duration.seconds(10) },
  observability: {
    logRetention: RetentionDays.ONE_MONTH,
    tracing: false,
    metricsNamespace: 'ClinicLeadNurture',
  },
  mail: {},
  site: { accessLogExpiration: Duration.days(90) },
};
