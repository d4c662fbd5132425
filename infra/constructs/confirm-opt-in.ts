import { Construct } from 'constructs';
import { PUBLIC_ROUTES } from '../../functions/http/public-routes';
import { confirmEnvironment } from '../environment';
import type { PublicRouteProps } from './api';
import { AppFunction } from './lambda';

/** The link in the double opt-in email (functions/mail/links.ts). */
export const CONFIRM_PATH = PUBLIC_ROUTES.confirmOptIn.path;

export interface ConfirmOptInProps extends PublicRouteProps {
  readonly siteUrl: string;
}

/**
 * Double opt-in: `GET /confirm/{token}` shows a button (mail scanners open links), `POST`
 * consumes the single-use token and starts the sequence. The function may delete the token,
 * read and activate the lead, stamp the consent record and create the enrolment.
 */
export class ConfirmOptIn extends Construct {
  readonly function: AppFunction;

  constructor(scope: Construct, id: string, { config, data, api, siteUrl }: ConfirmOptInProps) {
    super(scope, id);
    this.function = new AppFunction(this, 'Handler', {
      lambda: 'confirm-opt-in',
      description: 'GET/POST /confirm/{token}: double opt-in confirmation',
      sizing: config.unsubscribe,
      observability: config.observability,
      environment: confirmEnvironment(config, data.table.tableName, { siteUrl: siteUrl }),
    });
    data.grantItemActions(this.function, 'GetItem', 'DeleteItem', 'UpdateItem', 'PutItem', 'ConditionCheckItem');
    api.addLambdaRoute(
      PUBLIC_ROUTES.confirmOptIn,
      this.function.fn,
      'Double opt-in confirmation from an email link: the person has no account yet, so no login can ' +
        'be asked for. The token is 32 random bytes, stored only as a hash, single use and valid for 48 ' +
        'hours; GET only shows a page. Stage throttling bounds abuse; access logs hold the route key, ' +
        'never the token.',
    );
  }
}
