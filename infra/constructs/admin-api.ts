import * as path from 'node:path';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import { DUE_INDEX, LIST_INDEX } from '../../functions/adapters/dynamodb/table-schema';
import { ADMIN_API_PREFIX } from '../../functions/admin/contract';
import { ADMIN_ROUTES_LIST } from '../../functions/admin/routes';
import type { DeployConfig } from '../config';
import { adminEnvironment } from '../environment';
import type { PublicApi } from './api';
import type { ConsoleAuth } from './console-auth';
import type { LeadData } from './data';
import type { EmailSending } from './email';
import { AppFunction, PROJECT_ROOT } from './lambda';

/** Exists only in the local stack (local/admin-auth.ts): AWS signs staff in through Cognito. */
export const LOCAL_LOGIN_ROUTE = `POST ${ADMIN_API_PREFIX}/login`;

const METHODS: ReadonlySet<string> = new Set(Object.values(apigw.HttpMethod));

/**
 * The routes to deploy: exactly `ADMIN_ROUTES_LIST` (functions/admin/routes.ts), checked so that
 * a route outside `/admin/api`, an unknown method or the local-only login fails the synth.
 */
export function adminRoutes(
  list: readonly { method: string; path: string; routeKey: string }[] = ADMIN_ROUTES_LIST,
): { method: apigw.HttpMethod; path: string }[] {
  return list.map((route) => {
    if (route.routeKey === LOCAL_LOGIN_ROUTE || route.path === `${ADMIN_API_PREFIX}/login`) {
      throw new Error(`${route.routeKey} is the local stack's login and must never be deployed`);
    }
    if (!route.path.startsWith(`${ADMIN_API_PREFIX}/`) || !METHODS.has(route.method)) {
      throw new Error(`Admin route ${route.routeKey} is not a method under ${ADMIN_API_PREFIX}/`);
    }
    return { method: route.method as apigw.HttpMethod, path: route.path };
  });
}

export interface AdminApiProps {
  readonly config: DeployConfig;
  readonly data: LeadData;
  readonly email: EmailSending;
  readonly api: PublicApi;
  readonly auth: ConsoleAuth;
  readonly siteUrl: string;
  readonly publicApiUrl: string;
}

/**
 * The marketing console's API: every `/admin/api` route of `ADMIN_ROUTES_LIST` on the HTTP API,
 * each behind a JWT authorizer that accepts only tokens the console's Cognito app client was
 * issued, all to one function. API Gateway refuses a missing, expired or foreign token with 401
 * before the function runs; the function answers 403 to a token without the right group.
 *
 * The function may read and write the table's items (leads, enrolments, drafts, versions,
 * pointers, counters), batch-read and batch-delete them, scan for an erased lead's opt-in tokens,
 * query the list and due indexes, send a test email as the practice and read the SES send
 * quota for import pacing, nothing else. No secret: the console's previews sign no links.
 */
export class AdminApi extends Construct {
  readonly function: AppFunction;
  readonly authorizer: HttpUserPoolAuthorizer;
  readonly routes: apigw.HttpRoute[];

  constructor(scope: Construct, id: string, props: AdminApiProps) {
    super(scope, id);
    const { config, data, email, auth } = props;
    const { observability } = config;

    this.function = new AppFunction(this, 'Handler', {
      entry: path.join(PROJECT_ROOT, 'functions/lambdas/admin/index.ts'),
      description: `Marketing console API (${ADMIN_API_PREFIX}/*, Cognito JWT): leads, sequences, simulator, results, import`,
      serviceName: 'admin',
      memorySize: config.admin.memorySize,
      timeout: config.admin.timeout,
      logRetention: observability.logRetention,
      metricsNamespace: observability.metricsNamespace,
      tracing: observability.tracing,
      environment: adminEnvironment(config, data.table.tableName, {
        configurationSetName: email.configurationSet.configurationSetName,
        siteUrl: props.siteUrl,
        publicApiUrl: props.publicApiUrl,
        identityKeySecretArn: data.identityKey.secret.secretArn,
      }),
    });
    // Lead ids of imported addresses, suppression hashes (erasure, imports, the lead list), and
    // today's id of a lead a console URL names by an unkeyed one.
    data.grantIdentity(this.function);
    // Reads of leads, enrolments, drafts, versions, pointers and the import schedule; drafts,
    // versions, suppressions and imported leads written (puts and transactions); stops, moves,
    // reviews and counters (updates); a publish deletes the draft in its transaction; a lead's
    // partition, a sequence's versions and the step counters are key-condition queries.
    data.grantItemActions(this.function, 'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query');
    // Enrolment and suppression look-ups for a page of leads or an import (BatchGetItem), the
    // erasure's deletes (BatchWriteItem, deletes only), and its search for the person's opt-in
    // tokens, which are keyed by token hash (Scan, run only while a token can be unexpired).
    data.grantBulkActions(this.function, 'BatchGetItem', 'BatchWriteItem', 'Scan');
    // Leads by month (list index); a sequence's active enrolments (due index).
    data.grantIndexQuery(this.function, LIST_INDEX.name, DUE_INDEX.name);
    // Test sends of a draft to the signed-in user's own address, from the practice's address.
    email.grantSendEmail(this.function);
    // Imports stagger first emails under the account's send rate, unless it is configured; an
    // erasure takes the address off SES's account-level suppression list.
    email.grantAccountActions(this.function.fn, [
      ...(config.sender.maxSendRate === undefined ? (['ses:GetAccount'] as const) : []),
      'ses:DeleteSuppressedDestination',
    ]);

    this.authorizer = new HttpUserPoolAuthorizer('ConsoleUsers', auth.userPool, {
      userPoolClients: [auth.client],
      identitySource: ['$request.header.Authorization'],
    });
    const integration = new HttpLambdaIntegration('AdminIntegration', this.function.fn);
    this.routes = adminRoutes().flatMap((route) =>
      props.api.httpApi.addRoutes({
        path: route.path,
        methods: [route.method],
        integration,
        authorizer: this.authorizer,
      }),
    );
  }
}
