import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { PUBLIC_ROUTES } from '../../functions/http/public-routes';
import { unsubscribeEnvironment } from '../environment';
import type { PublicRouteProps } from './api';
import { AppFunction } from './lambda';

/** The link in every email's List-Unsubscribe header and footer (functions/mail/links.ts). */
export const UNSUBSCRIBE_PATH = PUBLIC_ROUTES.unsubscribe.path;

export interface UnsubscribeProps extends PublicRouteProps {
  /** The HMAC key that signed the token; verifying needs only read access. */
  readonly signingKey: ISecret;
  readonly siteUrl: string;
}

/**
 * `GET /u/{token}` shows a confirm page and changes nothing; `POST /u/{token}` is the RFC 8058
 * one-click unsubscribe. The function may read the lead and the suppression list, suppress,
 * stop the enrolments and count the unsubscribe, and read the signing key, nothing else.
 */
export class Unsubscribe extends Construct {
  readonly function: AppFunction;

  constructor(scope: Construct, id: string, props: UnsubscribeProps) {
    super(scope, id);
    const { config, data } = props;

    this.function = new AppFunction(this, 'Handler', {
      lambda: 'unsubscribe',
      description: 'GET /u/{token} confirm page, POST /u/{token} one-click unsubscribe (RFC 8058)',
      sizing: config.unsubscribe,
      observability: config.observability,
      environment: unsubscribeEnvironment(config, data.table.tableName, {
        siteUrl: props.siteUrl,
        signingKeySecretArn: props.signingKey.secretArn,
        identityKeySecretArn: data.identityKey.secret.secretArn,
      }),
    });
    data.grantItemActions(this.function, 'GetItem', 'UpdateItem', 'Query');
    props.signingKey.grantRead(this.function);
    // The suppression hash of the lead's address; today's id of a lead a link names by an unkeyed one.
    data.grantIdentity(this.function);

    props.api.addLambdaRoute(
      PUBLIC_ROUTES.unsubscribe,
      this.function.fn,
      'RFC 8058 one-click unsubscribe: mailbox providers POST to the List-Unsubscribe URL with no ' +
        'credentials, and recipients open it from any mail client, so no login can be asked for. The ' +
        'HMAC-signed token in the path is the authorization: a forged or altered token gets a 400 and ' +
        'changes nothing, GET only shows a page. Stage throttling bounds abuse; access logs hold the ' +
        'route key, never the token.',
    );
  }
}
