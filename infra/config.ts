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
  readonly capture: FunctionSize & {
    /**
     * POST /leads submissions allowed per minute, per client address (0 turns it off) and per
     * email address; the 6th for one email within a minute gets a 429.
     */
    readonly rateLimits: { readonly perAddressPerMinute: number; readonly perEmailPerMinute: number };
  };
  /** The every-minute run that finds due steps in the due index and queues them. */
  readonly dispatcher: FunctionSize & {
    /**
     * How long a queued entry stays out of the due index. Must outlast every redelivery the work
     * queue can make (visibility timeout × maxReceiveCount), so a message still being retried is
     * never queued a second time; an entry whose message was lost comes back after it.
     */
    readonly lease: Duration;
    /** Bounds one run; what is left is picked up by the next tick. */
    readonly maxPerRun: number;
    /**
     * Retries of a tick EventBridge Scheduler could not deliver, then its dead-letter queue. A
     * late tick is harmless (entries are leased) but is soon overtaken by the next one.
     */
    readonly scheduleRetry: { readonly attempts: number; readonly maxEventAge: Duration };
  };
  /** The queue consumer that sends each step through SES, paced to the account's send rate. */
  readonly sender: FunctionSize & {
    /**
     * Reserved concurrency, and the queue's maxConcurrency: each instance takes this share of the
     * send rate. At least 2 (the lowest maxConcurrency SQS event sources accept).
     */
    readonly concurrency: number;
    /** Receives before a message moves to the dead-letter queue (AWS advises at least 5). */
    readonly maxReceiveCount: number;
    /**
     * A claim older than this, still unfinished, belonged to a sender that stopped: the step is
     * recorded as failed. Must exceed the queue's visibility timeout.
     */
    readonly claimTimeout: Duration;
    /** Overrides the account's SES MaxSendRate (from GetAccount), e.g. to leave room for other senders. */
    readonly maxSendRate?: number;
  };
  readonly sesEvents: FunctionSize & {
    /** Lambda's own retries of an event the function failed on, before it goes to the DLQ. */
    readonly retryAttempts: number;
    readonly maxEventAge: Duration;
  };
  readonly unsubscribe: FunctionSize;
  readonly booked: FunctionSize;
  /** The Calendly and Acuity webhooks (functions/booking/). */
  readonly bookingTools: FunctionSize & {
    /** A cancelled consultation: "rebook" starts the short rebook sequence, "staff" leaves it to staff. */
    readonly cancellationMode: 'rebook' | 'staff';
  };
  /** Sign-in to the marketing console (`/console/`): a Cognito user pool and its Hosted UI (issue 5). */
  readonly console: {
    /**
     * The Hosted UI lives at `https://<domainPrefix>.auth.<region>.amazoncognito.com`. The prefix must
     * be unique in the region across all AWS accounts: lower-case letters, digits and hyphens, without
     * "aws", "amazon" or "cognito".
     */
    readonly domainPrefix: string;
    /**
     * How long one sign-in lasts: the refresh token's validity (1 hour to 10 years). The console
     * renews its tokens with it in the background, so staff sign in again only after this, or when
     * they close the tab (the session is kept per tab).
     */
    readonly sessionLength: Duration;
    /**
     * How long one ID or access token works (5 minutes to 1 day, shorter than `sessionLength`).
     * API Gateway accepts a token until it expires, even after the user was disabled, signed out or
     * had the refresh token revoked: this is how long a removed staff member keeps access at most.
     * The console renews a minute before it runs out.
     */
    readonly tokenValidity: Duration;
  };
  /**
   * The admin API behind the console: every `/admin/api` route but the draft routes. It reads
   * leads, timelines and results, and answers staff waiting at a screen; its timeout stays under
   * the 30 s API Gateway gives an integration.
   */
  readonly admin: FunctionSize & {
    /** Share of the send rate the first emails of an import may use; the rest stays free for the drip. */
    readonly importSendShare: number;
    /** Rows one import request may carry; the console sends 1000 at a time. */
    readonly importMaxRows: number;
  };
  /**
   * The admin API's draft routes (save, preview, test send, publish), which compile MJML: more
   * memory than the public functions, and the same timeout under API Gateway's 30 s.
   */
  readonly adminCompose: FunctionSize;
  /**
   * The daily check of the clinical sign-off of every published sequence, which feeds the
   * `ReviewExpired` and `ReviewMissing` alarms.
   */
  readonly reviewCheck: FunctionSize & {
    /** Hour of the day (0-23, in the practice's time zone) the check runs: an alarm greets the morning. */
    readonly hour: number;
    /** Retries of a run EventBridge Scheduler could not deliver, then its dead-letter queue. */
    readonly scheduleRetry: { readonly attempts: number; readonly maxEventAge: Duration };
  };
  readonly observability: {
    readonly logRetention: RetentionDays;
    /** X-Ray active tracing on every function; off by default (cost, and logs already carry ids). */
    readonly tracing: boolean;
    readonly metricsNamespace: string;
    /** Subscribed to the alarm topic (the address must confirm the subscription once). */
    readonly alarmEmail?: string;
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
    /**
     * The WAF WebACL in front of the distribution: the `WebAclArn` output of the `<stackName>Edge`
     * stack (`arn:aws:wafv2:us-east-1:<account>:global/webacl/…`). Unset, the site runs without WAF
     * and POST /leads is bounded by the API stage throttle and the handler's own limits only.
     * Deploy order in infra/app.ts.
     */
    readonly webAclArn?: string;
  };
  /** Rules of the WebACL in the `<stackName>Edge` stack (AWS WAF for CloudFront lives in us-east-1). */
  readonly waf: {
    /**
     * `POST /leads` per client IP. Above `capture.rateLimits.perAddressPerMinute`: the handler's
     * exact per-window count answers an eager visitor first; WAF stops a flood at the edge, before it
     * costs an API call, a Lambda invocation and a DynamoDB write per request.
     */
    readonly leadsPerAddress: RateLimit;
    /** Every request to the distribution (pages, assets, form posts) per client IP. */
    readonly sitePerAddress: RateLimit;
  };
}

/**
 * A Hosted UI prefix from the practice's name ("Tampa Bay Plastic Surgery" → "tampa-bay-plastic-surgery-console"):
 * readable in the sign-in address, and distinct between practices deploying this code.
 */
export function hostedUiPrefix(practiceName: string): string {
  const slug = practiceName
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/aws|amazon|cognito/g, '')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 54)
    .replace(/-$/, '');
  return `${slug || 'clinic'}-console`;
}

/** A WAF rate-based rule: more than `limit` requests from one IP within `window` are answered 429. */
export interface RateLimit {
  /** At least 10 (WAF's minimum). */
  readonly limit: number;
  /** 1, 2, 5 or 10 minutes (the evaluation windows WAF offers); also the 429's Retry-After. */
  readonly window: Duration;
}

export interface FunctionSize {
  readonly memorySize: number;
  readonly timeout: Duration;
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
  capture: {
    memorySize: 512,
    timeout: Duration.seconds(10),
    rateLimits: { perAddressPerMinute: 20, perEmailPerMinute: 5 },
  },
  dispatcher: {
    memorySize: 512,
    // One minute between ticks; an overlapping run is safe (leases), only wasteful.
    timeout: Duration.seconds(60),
    // The sender's visibility timeout is 6 × 60 s and it gets 5 receives: 30 min, plus margin.
    lease: Duration.minutes(40),
    maxPerRun: 5000,
    scheduleRetry: { attempts: 3, maxEventAge: Duration.minutes(5) },
  },
  sender: {
    memorySize: 512,
    // A batch of 10 at a sandbox rate of 1/s shared by 2 instances takes ~20 s, plus backoff.
    timeout: Duration.seconds(60),
    concurrency: 2,
    maxReceiveCount: 5,
    claimTimeout: Duration.minutes(15),
  },
  sesEvents: { memorySize: 256, timeout: Duration.seconds(30), retryAttempts: 2, maxEventAge: Duration.hours(6) },
  unsubscribe: { memorySize: 256, timeout: Duration.seconds(10) },
  booked: { memorySize: 256, timeout: Duration.seconds(10) },
  // Acuity's API is read once per notification: 5 s at most, plus the table writes.
  bookingTools: { memorySize: 256, timeout: Duration.seconds(15), cancellationMode: 'rebook' },
  console: {
    domainPrefix: hostedUiPrefix(clinicConfig.practice.name),
    // A working day: staff sign in (with MFA) once a day, not every hour.
    sessionLength: Duration.hours(12),
    // Short, since renewal is silent: a disabled account's last token stops working within 15 minutes.
    tokenValidity: Duration.minutes(15),
  },
  admin: {
    // Imports of 2000 rows and erasures; more memory is also more CPU for a cold start.
    memorySize: 1024,
    timeout: Duration.seconds(29),
    importSendShare: 0.5,
    // Twice the console's chunk: 10 concurrent transactions write that in a few seconds.
    importMaxRows: 2000,
  },
  adminCompose: {
    // mjml compiles a whole draft per save and preview; the bundle is about 4 MB.
    memorySize: 1024,
    timeout: Duration.seconds(29),
  },
  reviewCheck: {
    memorySize: 256,
    timeout: Duration.seconds(30),
    hour: 7,
    scheduleRetry: { attempts: 3, maxEventAge: Duration.hours(1) },
  },
  observability: {
    logRetention: RetentionDays.ONE_MONTH,
    tracing: false,
    metricsNamespace: 'ClinicLeadNurture',
  },
  mail: {},
  site: { accessLogExpiration: Duration.days(90) },
  waf: {
    leadsPerAddress: { limit: 30, window: Duration.minutes(1) },
    // A page view is about ten requests (page, styles, script, config, icons), most of them cached.
    sitePerAddress: { limit: 1000, window: Duration.minutes(5) },
  },
};
