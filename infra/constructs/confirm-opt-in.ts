import * as path from 'node:path';
import { Construct } from 'constructs';
import { PUBLIC_ROUTES } from '../../functions/http/public-routes';
import type { DeployConfig } from '../config';
import { confirmEnvironment } from '../environment';
import type { PublicApi } from './api';
import type { LeadData } from './data';
import { AppFunction, observabilityProps, PROJECT_ROOT } from './lambda';

/** The link in the double opt-in email (functions/mail/links.ts). */
export const CONFIRM_PATH = PUBLIC_ROUTES.confirmOptIn.path;

export interface ConfirmOptInProps {
  readonly config: DeployConfig;
  readonly data: LeadData;
  readonly api: PublicApi;
  readonly siteUrl: string;
}

/**
 * Double opt-in: `GET /confirm/{token}` shows a button (mail scanners open links), `POST`
 * consumes the single-use token and starts the sequence. The function may delete the token,
 * read and activate the lead, stamp the consent record and create the enrolment.
 */
export class ConfirmOptIn extends Construct {
  readonly function: AppFunction;

  constructor(scope: Construct, id: string, props: ConfirmOptInProps) {
    super(scope, id);
    const { config, data } = props;
    const { observability } = config;
    this.function = new AppFunction(this, 'Handler', {
      entry: path.join(PROJECT_ROOT, 'functions/lambdas/confirm-opt-in/index.ts'),
      description: 'GET/POST /confirm/{token}: double opt-in confirmation',
      serviceName: 'confirm-opt-in',
      memorySize: config.unsubscribe.memorySize,
      timeout: config.unsubscribe.timeout,
      ...observabilityProps(observability),
      environment: confirmEnvironment(config, data.table.tableName, { siteUrl: props.siteUrl }),
    });
    data.grantItemActions(this.function, 'GetItem', 'DeleteItem', 'UpdateItem', 'PutItem', 'ConditionCheckItem');
    props.api.addLambdaRoute(
      PUBLIC_ROUTES.confirmOptIn,
      this.function.fn,
      'Double opt-in confirmation from an email link: the person has no account yet, so no login can ' +
        'be asked for. The token is 32 random bytes, stored only as a hash, single use and valid for 48 ' +
        'hours; GET only shows a page. Stage throttling bounds abuse; access logs hold the route key, ' +
        'never the token.',
    );
  }
}
