import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PUBLIC_ROUTES } from '../functions/http/public-routes';
import type { DeployConfig } from './config';
import { AdminApi } from './constructs/admin-api';
import { PublicApi } from './constructs/api';
import { BookedWebhook } from './constructs/booked';
import { BookingTools } from './constructs/booking-tools';
import { LeadCapture } from './constructs/capture';
import { ConfirmOptIn } from './constructs/confirm-opt-in';
import { CONSOLE_SCOPES, ConsoleAuth } from './constructs/console-auth';
import { LeadData } from './constructs/data';
import { DripEngine } from './constructs/drip';
import { EmailSending } from './constructs/email';
import { Monitoring } from './constructs/monitoring';
import { OutgoingWebhooks } from './constructs/outgoing-webhooks';
import { ReviewCheck } from './constructs/review-check';
import { SesEvents } from './constructs/ses-events';
import { ORIGIN_VERIFY_KEY, SigningKey } from './constructs/signing-key';
import { LandingSite } from './constructs/site';
import { Unsubscribe } from './constructs/unsubscribe';

export interface LeadNurtureStackProps extends StackProps {
  readonly config: DeployConfig;
  /** Directory of the built landing page (web/dist); tests pass a temporary one. */
  readonly siteAssetDir: string;
}

/**
 * The whole pipeline in one stack, composed of one construct per concern: data, email, the
 * public API and site, capture, the drip engine (scheduler, dispatcher, queue, sender), SES
 * events, unsubscribe, the booked webhook, the marketing console (Cognito sign-in, the admin
 * API behind it, the daily clinical review check), and monitoring over all of them.
 */
export class LeadNurtureStack extends Stack {
  readonly data: LeadData;
  readonly email: EmailSending;
  readonly signingKey: SigningKey;
  /** What CloudFront sends to the API as x-origin-verify, so POST /leads knows it came through CloudFront. */
  readonly originVerify: SigningKey;
  readonly api: PublicApi;
  readonly site: LandingSite;
  readonly capture: LeadCapture;
  readonly drip: DripEngine;
  readonly sesEvents: SesEvents;
  readonly unsubscribe: Unsubscribe;
  readonly confirmOptIn?: ConfirmOptIn;
  readonly booked: BookedWebhook;
  readonly bookingTools: BookingTools;
  readonly consoleAuth: ConsoleAuth;
  readonly admin: AdminApi;
  readonly reviewCheck: ReviewCheck;
  readonly webhooks: OutgoingWebhooks;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: LeadNurtureStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { clinic } = config;
    Tags.of(this).add('app', 'clinic-lead-nurture');

    this.data = new LeadData(this, 'Data');

    this.email = new EmailSending(this, 'Email', {
      sendingDomain: clinic.mail.sendingDomain,
      fromAddress: clinic.mail.fromAddress,
      hostedZone: config.mail.hostedZone,
      mailFromSubdomain: config.mail.mailFromSubdomain,
      sandboxRecipients: config.mail.sandboxRecipients,
    });

    this.signingKey = new SigningKey(this, 'SigningKey');
    this.originVerify = new SigningKey(this, 'OriginVerify', ORIGIN_VERIFY_KEY);

    this.api = new PublicApi(this, 'Api', {
      allowedOrigins: clinic.site.allowedOrigins,
      throttle: config.api.throttle,
      logRetention: config.observability.logRetention,
    });

    // The site is created before the capture function because the function's links point at
    // the site; CloudFront depends only on the API's id, so there is no cycle.
    this.site = new LandingSite(this, 'Site', {
      assetDir: props.siteAssetDir,
      api: this.api,
      customDomain: config.site.certificateArn
        ? { domainName: new URL(clinic.practice.siteUrl).hostname, certificateArn: config.site.certificateArn }
        : undefined,
      accessLogExpiration: config.site.accessLogExpiration,
      logRetention: config.observability.logRetention,
      webAclArn: config.site.webAclArn,
      originVerifySecret: this.originVerify.secret,
    });

    this.capture = new LeadCapture(this, 'Leads', {
      config,
      data: this.data,
      email: this.email,
      signingKey: this.signingKey.secret,
      originVerifySecret: this.originVerify.secret,
      siteUrl: this.site.url,
      publicApiUrl: this.api.url,
    });
    this.api.addLambdaRoute(
      PUBLIC_ROUTES.capture,
      this.capture.function.fn,
      'Public by design: anonymous visitors post the consultation form without an account. Abuse is ' +
        'bounded by stage throttling, per-address and per-email rate limits, strict input validation and a ' +
        'honeypot in the handler, and by WAF rate-based rules at CloudFront when the Edge stack is attached.',
    );

    this.drip = new DripEngine(this, 'Drip', {
      config,
      data: this.data,
      email: this.email,
      signingKey: this.signingKey.secret,
      siteUrl: this.site.url,
      publicApiUrl: this.api.url,
    });

    this.sesEvents = new SesEvents(this, 'SesEvents', { config, data: this.data, email: this.email });

    this.unsubscribe = new Unsubscribe(this, 'Unsubscribe', {
      config,
      data: this.data,
      api: this.api,
      signingKey: this.signingKey.secret,
      siteUrl: this.site.url,
    });

    this.booked = new BookedWebhook(this, 'Booked', { config, data: this.data, api: this.api });
    this.bookingTools = new BookingTools(this, 'BookingTools', { config, data: this.data, api: this.api });

    // Only double opt-in sends confirmation links; single opt-in deploys no such route.
    this.confirmOptIn =
      config.consentMode === 'double'
        ? new ConfirmOptIn(this, 'ConfirmOptIn', { config, data: this.data, api: this.api, siteUrl: this.site.url })
        : undefined;

    // The console: staff sign in at the Hosted UI, which returns them to <site>/console/; the
    // console calls /admin/api/* on the same origin, which CloudFront routes to the API, where
    // the JWT authorizer checks the token before an admin function runs.
    this.consoleAuth = new ConsoleAuth(this, 'Console', {
      domainPrefix: config.console.domainPrefix,
      sessionLength: config.console.sessionLength,
      tokenValidity: config.console.tokenValidity,
      consoleUrl: this.site.consoleUrl,
      practiceName: clinic.practice.name,
    });
    this.admin = new AdminApi(this, 'Admin', {
      config,
      data: this.data,
      email: this.email,
      api: this.api,
      auth: this.consoleAuth,
      siteUrl: this.site.url,
      publicApiUrl: this.api.url,
    });
    this.site.addConsole({
      auth: {
        mode: 'cognito',
        domain: this.consoleAuth.hostedUiUrl,
        issuer: this.consoleAuth.issuer,
        clientId: this.consoleAuth.client.userPoolClientId,
        redirectUri: this.site.consoleUrl,
        logoutUri: this.site.consoleUrl,
        scopes: CONSOLE_SCOPES.map((scope) => scope.scopeName),
      },
      // Same origin: CloudFront routes /admin/api/* to the API.
      apiBase: '',
    });
    this.reviewCheck = new ReviewCheck(this, 'ReviewCheck', { config, data: this.data });
    this.webhooks = new OutgoingWebhooks(this, 'Webhooks', {
      config,
      data: this.data,
      email: this.email,
      admin: this.admin.function,
      siteUrl: this.site.url,
      publicApiUrl: this.api.url,
    });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      api: this.api,
      functions: {
        capture: this.capture.function,
        dispatcher: this.drip.dispatcher,
        sender: this.drip.sender,
        sesEvents: this.sesEvents.function,
        unsubscribe: this.unsubscribe.function,
        booked: this.booked.function,
        calendly: this.bookingTools.calendly,
        acuity: this.bookingTools.acuity,
        ...(this.confirmOptIn ? { confirmOptIn: this.confirmOptIn.function } : {}),
        admin: this.admin.function,
        adminCompose: this.admin.composeFunction,
        reviewCheck: this.reviewCheck.function,
        webhookEvents: this.webhooks.events,
        webhookDeliverer: this.webhooks.deliverer,
      },
      workQueue: this.drip.workQueue,
      deadLetterQueues: {
        Work: this.drip.workDeadLetters,
        Dispatch: this.drip.dispatchDeadLetters,
        SesEvents: this.sesEvents.deadLetters,
        ReviewCheck: this.reviewCheck.deadLetters,
        WebhookDeliveries: this.webhooks.deadLetters,
        WebhookEvents: this.webhooks.eventDeadLetters,
      },
      metricsNamespace: config.observability.metricsNamespace,
      alarmEmail: config.observability.alarmEmail,
    });

    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'IdentityKeySecretArn', {
      description: 'Key of lead ids and suppression hashes; npm run migrate-ids reads it (see the README)',
      value: this.data.identityKey.secret.secretArn,
    });
    new CfnOutput(this, 'ConfigurationSetName', { value: this.email.configurationSet.configurationSetName });
  }
}
