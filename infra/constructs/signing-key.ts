import { RemovalPolicy } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';

/**
 * The HMAC key that signs unsubscribe links and webhook calls. Secrets Manager generates it
 * at deploy, so it is never in the template, the repository or a function's environment
 * (functions get only the secret's ARN and read it at cold start).
 */
export class SigningKey extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: 'HMAC key for unsubscribe links and signed webhooks',
      // 64 letters and digits: about 380 bits, decoded by functions/adapters/signing-key.ts.
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      // Links in emails already sent are signed with it and must keep working.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.secret,
      'Rotating this HMAC key would invalidate the unsubscribe link in every email already sent, and ' +
        'unsubscribe links must keep working (CAN-SPAM: 30 days at least). Rotation needs a key id in ' +
        'the token format first, so old and new keys can both verify.',
      'AwsSolutions-SMG4',
    );
  }
}
