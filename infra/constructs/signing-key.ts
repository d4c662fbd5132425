import { RemovalPolicy } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';

export interface SigningKeyProps {
  readonly description: string;
  /** Why the key is not rotated automatically: the reason on its AwsSolutions-SMG4 acknowledgement. */
  readonly whyNotRotated: string;
}

/** The key that signs unsubscribe (and opt-in) links in emails. */
export const LINK_SIGNING_KEY: SigningKeyProps = {
  description: 'HMAC key for unsubscribe links and signed webhooks',
  whyNotRotated:
    'Rotating this HMAC key would invalidate the unsubscribe link in every email already sent, and ' +
    'unsubscribe links must keep working (CAN-SPAM: 30 days at least). Rotation needs a key id in ' +
    'the token format first, so old and new keys can both verify.',
};

/** The key of lead ids and suppression hashes (keyed HMACs of the address: functions/lead/email-address.ts). */
export const IDENTITY_KEY: SigningKeyProps = {
  description:
    'HMAC key of lead ids and suppression hashes (nobody without it can compute them from a guessed address)',
  whyNotRotated:
    'Every lead id and suppression hash in the table, and every unsubscribe link in an email already sent, is ' +
    'derived from this key: rotating it would orphan every lead and forget every unsubscribe and erasure. ' +
    'Changing it needs a migration like the one from unkeyed ids (npm run migrate-ids).',
};

/**
 * The value CloudFront adds as `x-origin-verify` to every request it forwards to the API, so the
 * capture function can refuse requests that did not come through CloudFront.
 */
export const ORIGIN_VERIFY_KEY: SigningKeyProps = {
  description: 'Header value CloudFront sends to the API (x-origin-verify); POST /leads refuses requests without it',
  whyNotRotated:
    'CloudFront takes the header value from this secret when the stack is deployed (a CloudFormation ' +
    'dynamic reference): a rotated value reaches CloudFront only with the next deploy, so automatic ' +
    'rotation would refuse every form post until then. Rotate by updating the secret and deploying.',
};

/**
 * An HMAC key in Secrets Manager. Secrets Manager generates it at deploy, so it is never in the
 * template, the repository or a function's environment (functions get only the secret's ARN
 * and read it at cold start). Kept on stack delete: what it signed must keep verifying.
 */
export class SigningKey extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: SigningKeyProps = LINK_SIGNING_KEY) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: props.description,
      // 64 letters and digits: about 380 bits, decoded by functions/adapters/signing-key.ts.
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.secret, props.whyNotRotated, 'AwsSolutions-SMG4');
  }
}
