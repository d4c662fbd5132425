import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Construct } from 'constructs';
import type { DeployConfig } from './config';
import { PublicApi } from './constructs/api';
import { LeadCapture } from './constructs/capture';
import { LeadData } from './constructs/data';
import { EmailSending } from './constructs/email';
import { SigningKey } from './constructs/signing-key';
import { LandingSite, LEADS_PATH } from './constructs/site';

export interface LeadNurtureStackProps extends StackProps {
  readonly config: DeployConfig;
  /** Directory of the built landing page (web/dist); tests pass a temporary one. */
  readonly siteAssetDir: string;
}

/**
 * The whole pipeline in one stack, composed of one construct per concern. The drip engine
 * (scheduler, queue, sender, SES events) and the console attach to the constructs exposed here.
 */
export class LeadNurtureStack extends Stack {
  readonly data: LeadData;
  readonly email: EmailSending;
  readonly signingKey: SigningKey;
  readonly api: PublicApi;
  readonly site: LandingSite;
  readonly capture: LeadCapture;

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
    });

    this.capture = new LeadCapture(this, 'Leads', {
      config,
      data: this.data,
      email: this.email,
      signingKey: this.signingKey.secret,
      siteUrl: this.site.url,
      publicApiUrl: this.api.url,
    });
    this.api.addLambdaRoute(HttpMethod.POST, LEADS_PATH, this.capture.function.fn);

    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'ConfigurationSetName', { value: this.email.configurationSet.configurationSetName });
  }
}
