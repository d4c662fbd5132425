import { CfnOutput } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PUBLIC_ROUTES } from '../../functions/http/public-routes';
import { bookedEnvironment } from '../environment';
import type { PublicRouteProps } from './api';
import { AppFunction } from './lambda';
import { SigningKey } from './signing-key';

export const BOOKED_WEBHOOK_PATH = PUBLIC_ROUTES.booked.path;

export type BookedWebhookProps = PublicRouteProps;

/**
 * `POST /webhooks/booked`, for the practice's scheduling tool: marks a lead as booked, which
 * ends their sequences. Authenticated in the handler by an HMAC signature (functions/http/
 * webhook-signature.ts) with a key of its own, generated here and shared only with that tool,
 * so a leak on either side never touches the key that signs unsubscribe links.
 */
export class BookedWebhook extends Construct {
  readonly function: AppFunction;
  readonly webhookKey: SigningKey;

  constructor(scope: Construct, id: string, props: BookedWebhookProps) {
    super(scope, id);
    const { config, data } = props;

    this.webhookKey = new SigningKey(this, 'WebhookKey', {
      description: 'HMAC key shared with the scheduling tool that signs POST /webhooks/booked',
      whyNotRotated:
        'The scheduling tool holds its own copy of this key and no rotation function can update it there: ' +
        'an automatic rotation would make every booked webhook fail until someone pasted the new value ' +
        'into the tool. Rotate it by hand (put-secret-value, then the tool) when staff with access leave.',
    });

    this.function = new AppFunction(this, 'Handler', {
      lambda: 'booked',
      description: 'POST /webhooks/booked (HMAC-signed): mark a lead as booked and stop their sequences',
      sizing: config.booked,
      observability: config.observability,
      environment: bookedEnvironment(config, data.table.tableName, this.webhookKey.secret.secretArn, {
        identityKeySecretArn: data.identityKey.secret.secretArn,
      }),
    });
    // Read the lead, mark it booked, exit its enrolments (query of its partition, then
    // updates) and count the booking on the step that last reached the person.
    data.grantItemActions(this.function, 'GetItem', 'UpdateItem', 'Query');
    this.webhookKey.secret.grantRead(this.function);
    // The lead id of the address in the webhook, or today's id of an unkeyed one.
    data.grantIdentity(this.function);

    props.api.addLambdaRoute(
      PUBLIC_ROUTES.booked,
      this.function.fn,
      'Called by a third-party scheduling tool, which cannot sign AWS requests or obtain a JWT from us. ' +
        'The handler authenticates every call with an HMAC-SHA256 signature over a timestamp and the raw ' +
        'body (key in Secrets Manager, constant-time comparison, 5-minute replay window) before reading ' +
        'it, and answers 401 otherwise.',
    );

    new CfnOutput(this, 'WebhookUrl', {
      description: 'Booked webhook: configure the scheduling tool to POST here',
      value: `${props.api.url}${BOOKED_WEBHOOK_PATH}`,
    });
    new CfnOutput(this, 'WebhookSecretArn', {
      description:
        'Secret holding the booked webhook HMAC key. Copy its value into the scheduling tool: ' +
        'aws secretsmanager get-secret-value --query SecretString --output text --secret-id <this ARN>',
      value: this.webhookKey.secret.secretArn,
    });
  }
}
