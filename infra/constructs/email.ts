import { ArnFormat, CfnOutput, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';

export interface EmailSendingProps {
  /** Domain verified in SES with Easy DKIM; every From address must be at this domain. */
  readonly sendingDomain: string;
  /** The one address the functions may send as. */
  readonly fromAddress: string;
  readonly hostedZone?: { readonly zoneName: string; readonly hostedZoneId: string };
  readonly mailFromSubdomain?: string;
  /** Verified addresses the functions may send to while the account is in the SES sandbox. */
  readonly sandboxRecipients?: readonly string[];
}

/**
 * The SES side of sending: the domain identity (Easy DKIM), its MAIL FROM domain, and the
 * configuration set every email goes out with. Its DNS records go into the hosted zone when
 * one is configured, or out as stack outputs to add by hand.
 */
export class EmailSending extends Construct {
  readonly identity: ses.EmailIdentity;
  readonly configurationSet: ses.ConfigurationSet;
  readonly configurationSetArn: string;
  private readonly fromAddress: string;
  private readonly sandboxRecipientArns: string[];

  constructor(scope: Construct, id: string, props: EmailSendingProps) {
    super(scope, id);
    const domain = props.sendingDomain.toLowerCase();
    this.fromAddress = props.fromAddress;
    if (!this.fromAddress.toLowerCase().endsWith(`@${domain}`)) {
      // SES would refuse every send at run time; say so at synth instead.
      throw new Error(`mail.fromAddress ${props.fromAddress} is not at mail.sendingDomain ${props.sendingDomain}`);
    }
    this.sandboxRecipientArns = (props.sandboxRecipients ?? []).map((address) =>
      Stack.of(this).formatArn({
        service: 'ses',
        resource: 'identity',
        resourceName: address,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
    );
    const zone = props.hostedZone;
    const zoneName = zone?.zoneName.toLowerCase().replace(/\.$/, '');
    if (zone && domain !== zoneName && !domain.endsWith(`.${zoneName}`)) {
      throw new Error(`hosted zone ${zone.zoneName} does not contain the sending domain ${domain}`);
    }

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      // Staff notifications carry what a visitor wrote about their treatment. A receiving server
      // without TLS gets a bounce instead of that text in clear.
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSetArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });

    const mailFromDomain = props.mailFromSubdomain ? `${props.mailFromSubdomain}.${domain}` : undefined;
    this.identity = new ses.EmailIdentity(this, 'Identity', {
      identity: ses.Identity.domain(domain),
      dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
      // Also the default for any send that names no configuration set.
      configurationSet: this.configurationSet,
      mailFromDomain,
      // Until the MX record resolves, SES falls back to amazonses.com instead of refusing.
      mailFromBehaviorOnMxFailure: ses.MailFromBehaviorOnMxFailure.USE_DEFAULT_VALUE,
    });

    const records: { id: string; name: string; type: 'CNAME' | 'MX' | 'TXT'; value: string }[] = [
      ...this.identity.dkimRecords.map((record, i) => ({
        id: `DkimRecord${i + 1}`,
        name: record.name,
        type: 'CNAME' as const,
        value: record.value,
      })),
    ];
    if (mailFromDomain) {
      const region = Stack.of(this).region;
      records.push(
        { id: 'MailFromMx', name: mailFromDomain, type: 'MX', value: `10 feedback-smtp.${region}.amazonses.com` },
        { id: 'MailFromSpf', name: mailFromDomain, type: 'TXT', value: '"v=spf1 include:amazonses.com ~all"' },
      );
    }

    for (const record of records) {
      if (zone) {
        // L1 on purpose: the DKIM names are deploy-time tokens, and the L2 records would append
        // the zone name to them a second time.
        new route53.CfnRecordSet(this, record.id, {
          hostedZoneId: zone.hostedZoneId,
          name: record.name,
          type: record.type,
          ttl: '1800',
          resourceRecords: [record.value],
        });
      } else {
        new CfnOutput(this, `${record.id}Output`, {
          description: `Add this DNS record for ${domain}, then SES verifies the domain by itself`,
          value: `${record.name} ${record.type} ${record.value}`,
        });
      }
    }
  }

  /**
   * Lets a function send, through SES v2 SendEmail, from the configured address only. SES
   * authorizes a send against the identity and against the configuration set, so both ARNs
   * are needed; CDK's `identity.grantSendEmail` covers only the first (aws-cdk#34402) and
   * also grants SendRawEmail, which these functions do not use. In the SES sandbox, SES also
   * authorizes against each recipient's verified identity: those come from `sandboxRecipients`.
   */
  grantSendEmail(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['ses:SendEmail'],
      resourceArns: [this.identity.emailIdentityArn, this.configurationSetArn, ...this.sandboxRecipientArns],
      conditions: { StringEqualsIgnoreCase: { 'ses:FromAddress': this.fromAddress } },
    });
  }

  /**
   * Lets a function read the account's sending quota (SES v2 GetAccount), to pace itself to
   * MaxSendRate. GetAccount has no resource type in IAM, so `*` is the only resource it accepts;
   * it returns quotas and account status, no message or recipient data.
   */
  grantReadSendQuota(fn: IFunction): iam.Grant {
    return this.grantAccountActions(fn, ['ses:GetAccount']);
  }

  /**
   * SES actions on the account itself, which IAM accepts only with `*` as the resource:
   * GetAccount (the send quota, for pacing) and DeleteSuppressedDestination (an erasure takes
   * the person's address off the account-level suppression list). One statement and one
   * acknowledgement per role, naming why each action is there.
   */
  grantAccountActions(fn: IFunction, actions: AccountAction[]): iam.Grant {
    const grant = iam.Grant.addToPrincipal({ grantee: fn, actions, resourceArns: ['*'] });
    if (!fn.role) throw new Error('grantAccountActions needs a function with a role');
    acknowledge(
      fn.role,
      [
        `${actions.join(' and ')} ${actions.length > 1 ? 'have' : 'has'} no resource-level permission (IAM accepts only "*").`,
        ...actions.map((action) => ACCOUNT_ACTION_REASONS[action]),
        'Every other statement of this role names its resources.',
      ].join(' '),
      'AwsSolutions-IAM5[Resource::*]',
    );
    return grant;
  }
}

export type AccountAction = 'ses:GetAccount' | 'ses:DeleteSuppressedDestination';

const ACCOUNT_ACTION_REASONS: Record<AccountAction, string> = {
  'ses:GetAccount':
    "GetAccount reads the account's send quota and status, nothing about messages or recipients; " +
    'the function needs its MaxSendRate to pace itself.',
  'ses:DeleteSuppressedDestination':
    "DeleteSuppressedDestination takes one erased person's address off SES's account-level " +
    'suppression list (GDPR erasure); our own keyed suppression hash still keeps them from being emailed.',
};
