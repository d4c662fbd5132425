import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import { DUE_INDEX, LIST_INDEX } from '../../functions/adapters/dynamodb/table-schema';
import { ADMIN_API_PREFIX } from '../../functions/admin/contract';
import { ADMIN_ROUTES_LIST, type AdminFunctionName } from '../../functions/admin/routes';
import type { DeployConfig } from '../config';
import { adminComposeEnvironment, adminEnvironment } from '../environment';
import type { PublicApi } from './api';
import type { ConsoleAuth } from './console-auth';
import type { LeadData } from './data';
import type { EmailSending } from './email';
import { AppFunction } from './lambda';

/** Exists only in the local stack (local/admin-auth.ts): AWS signs staff in through Cognito. */
export const LOCAL_LOGIN_ROUTE = `POST ${ADMIN_API_PREFIX}/login`;

const METHODS: ReadonlySet<string> = new Set(Object.values(apigw.HttpMethod));

/**
 * The routes to deploy, each with the function that serves it: exactly `ADMIN_ROUTES_LIST`
 * (functions/admin/routes.ts), checked so that a route outside `/admin/api`, an unknown method or
 * the local-only login fails the synth.
 */
export function adminRoutes(
  list: readonly { method: string; path: string; routeKey: string; fn: AdminFunctionName }[] = ADMIN_ROUTES_LIST,
): { method: apigw.HttpMethod; path: string; fn: AdminFunctionName }[] {
  return list.map((route) => {
    if (route.routeKey === LOCAL_LOGIN_ROUTE || route.path === `${ADMIN_API_PREFIX}/login`) {
      throw new Error(`${route.routeKey} is the local stack's login and must never be deployed`);
    }
    if (!route.path.startsWith(`${ADMIN_API_PREFIX}/`) || !METHODS.has(route.method)) {
      throw new Error(`Admin route ${route.routeKey} is not a method under ${ADMIN_API_PREFIX}/`);
    }
    return { method: route.method as apigw.HttpMethod, path: route.path, fn: route.fn };
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
 * each behind the one JWT authorizer that accepts only tokens the console's Cognito app client
 * was issued, each to the function the list names. API Gateway refuses a missing, expired or
 * foreign token with 401 before a function runs; the functions answer 403 to a token without
 * the right group.
 *
 * Two functions, so that the one serving leads, timelines and results loads a small bundle:
 * `admin` reads and acts on leads, sequences (detail, review, migration), the simulator,
 * results and imports; `admin-compose` serves the draft routes, which compile MJML (about 4 MB
 * of mjml): save, preview, test send and publish.
 *
 * `admin` may read and write the table's items (leads, enrolments, drafts, versions, pointers,
 * counters), batch-read and batch-delete them, scan for an erased lead's opt-in tokens, query
 * the list and due indexes, and read the SES send quota for import pacing and take an erased
 * address off the account's suppression list. `admin-compose` may read and write the drafts,
 * versions and pointers, and send a test email as the practice. No secret: the console's
 * previews sign no links.
 */
export class AdminApi extends Construct {
  readonly function: AppFunction;
  /** The draft routes: compiling MJML, previews, test sends, publishing. */
  readonly composeFunction: AppFunction;
  readonly authorizer: HttpUserPoolAuthorizer;
  readonly routes: apigw.HttpRoute[];

  constructor(scope: Construct, id: string, props: AdminApiProps) {
    super(scope, id);
    const { config, data, email, auth } = props;
    const mail = {
      configurationSetName: email.configurationSet.configurationSetName,
      siteUrl: props.siteUrl,
      publicApiUrl: props.publicApiUrl,
    };

    this.function = new AppFunction(this, 'Handler', {
      lambda: 'admin',
      description: `Marketing console API (${ADMIN_API_PREFIX}/*, Cognito JWT): leads, sequences, simulator, results, import`,
      sizing: config.admin,
      observability: config.observability,
      environment: adminEnvironment(config, data.table.tableName, {
        ...mail,
        identityKeySecretArn: data.identityKey.secret.secretArn,
      }),
    });
    // Lead ids of imported addresses, suppression hashes (erasure, imports, the lead list), and
    // today's id of a lead a console URL names by an unkeyed one.
    data.grantIdentity(this.function);
    // Reads of leads, enrolments, drafts, versions, pointers and the import schedule; versions,
    // suppressions and imported leads written (puts and transactions); stops, moves, reviews and
    // counters (updates); an erasure deletes; a lead's partition, a sequence's versions and the
    // step counters are key-condition queries.
    data.grantItemActions(this.function, 'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query');
    // Enrolment and suppression look-ups for a page of leads or an import (BatchGetItem), the
    // erasure's deletes (BatchWriteItem, deletes only), and its search for the person's opt-in
    // tokens, which are keyed by token hash (Scan, run only while a token can be unexpired).
    data.grantBulkActions(this.function, 'BatchGetItem', 'BatchWriteItem', 'Scan');
    // Leads by month (list index); a sequence's active enrolments (due index).
    data.grantIndexQuery(this.function, LIST_INDEX.name, DUE_INDEX.name);
    // Imports stagger first emails under the account's send rate, unless it is configured; an
    // erasure takes the address off SES's account-level suppression list.
    email.grantAccountActions(this.function.fn, [
      ...(config.sender.maxSendRate === undefined ? (['ses:GetAccount'] as const) : []),
      'ses:DeleteSuppressedDestination',
    ]);

    this.composeFunction = new AppFunction(this, 'Compose', {
      lambda: 'admin-compose',
      description: `Marketing console API, draft routes (${ADMIN_API_PREFIX}/sequences/*, Cognito JWT): save, preview, test send, publish`,
      sizing: config.adminCompose,
      observability: config.observability,
      environment: adminComposeEnvironment(config, data.table.tableName, mail),
    });
    // Drafts read and saved; a publish writes the version (put, then updates to what it lacks)
    // and, in one transaction, the pointer (put) and the draft's removal (delete).
    data.grantItemActions(this.composeFunction, 'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem');
    // Test sends of a draft to the signed-in user's own address, from the practice's address.
    email.grantSendEmail(this.composeFunction);

    this.authorizer = new HttpUserPoolAuthorizer('ConsoleUsers', auth.userPool, {
      userPoolClients: [auth.client],
      identitySource: ['$request.header.Authorization'],
    });
    const integrations: Record<AdminFunctionName, HttpLambdaIntegration> = {
      admin: new HttpLambdaIntegration('AdminIntegration', this.function.fn),
      'admin-compose': new HttpLambdaIntegration('AdminComposeIntegration', this.composeFunction.fn),
    };
    this.routes = adminRoutes().flatMap((route) =>
      props.api.httpApi.addRoutes({
        path: route.path,
        methods: [route.method],
        integration: integrations[route.fn],
        authorizer: this.authorizer,
      }),
    );
  }
}
