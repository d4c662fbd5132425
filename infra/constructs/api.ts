import { Aws, CfnOutput, Duration } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { DeployConfig } from '../config';
import { acknowledge } from '../nag';
import type { LeadData } from './data';

/** What a construct serving a public route from the lead table is given. */
export interface PublicRouteProps {
  readonly config: DeployConfig;
  readonly data: LeadData;
  readonly api: PublicApi;
}

export interface PublicApiProps {
  /** Origins allowed to call the API from a browser (the landing page's own origins). */
  readonly allowedOrigins: readonly string[];
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly logRetention: logs.RetentionDays;
}

/**
 * The HTTP API: routes a visitor, a mail client or a scheduling tool calls without an AWS
 * identity (`POST /leads`, `/u/{token}`, `POST /webhooks/booked`), and the marketing console's
 * `/admin/api/*` routes, each behind a Cognito JWT authorizer (infra/constructs/admin-api.ts).
 * One `$default` stage with throttling and JSON access logs that name the route, never the path.
 */
export class PublicApi extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;
  /** Base URL of the API, without a trailing slash. */
  readonly url: string;
  /** Host name of the API, for use as a CloudFront origin. */
  readonly domainName: string;

  constructor(scope: Construct, id: string, props: PublicApiProps) {
    super(scope, id);

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Public endpoints: lead capture, unsubscribe links and the booked webhook',
      createDefaultStage: false,
      corsPreflight: {
        // Origins only, as browsers send them (scheme://host[:port], no path or trailing slash).
        allowOrigins: [...new Set(props.allowedOrigins.map((origin) => new URL(origin).origin))],
        allowMethods: [apigw.CorsHttpMethod.POST],
        allowHeaders: ['content-type'],
        maxAge: Duration.days(1),
      },
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      autoDeploy: true,
      // Stays even with WAF: HTTP APIs cannot take a WebACL, and WAF sits in front of CloudFront
      // only. This execute-api URL is reachable directly, not behind WAF, and must stay so:
      // unsubscribe and opt-in links in emails point at it. Whatever calls it directly, POST
      // /leads included, meets this throttle and the handlers' own limits (per-address and
      // per-email windows in capture, signed tokens on /u and /confirm, HMAC on the webhook).
      throttle: props.throttle,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        // routeKey, never the raw path: unsubscribe paths carry a token that must not be logged.
        // No user agent, no body: nothing here identifies a lead.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationStatus: '$context.integration.status',
            integrationLatency: '$context.integration.latency',
            integrationError: '$context.integration.error',
            sourceIp: '$context.identity.sourceIp',
          }),
        ),
      },
    });

    this.domainName = `${this.httpApi.apiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`;
    this.url = `https://${this.domainName}`;
    new CfnOutput(this, 'Url', { description: 'Public API base URL', value: this.url });
  }

  /**
   * Routes `method path` (one or several methods) to a Lambda function, which alone gets
   * permission to be invoked by it. These routes have no API Gateway authorizer: `whyPublic`
   * says what protects the route instead, and becomes its AwsSolutions-APIG4 acknowledgement.
   */
  addLambdaRoute(
    route: { methods: readonly ('GET' | 'POST')[]; path: string },
    handler: IFunction,
    whyPublic: string,
  ): apigw.HttpRoute[] {
    const { path } = route;
    const list = route.methods.map((method) => apigw.HttpMethod[method]);
    const routes = this.httpApi.addRoutes({
      path,
      methods: list,
      integration: new HttpLambdaIntegration(`${list.join('')}${path.replace(/[^A-Za-z0-9]/g, '')}`, handler),
    });
    for (const route of routes) acknowledge(route, whyPublic, 'AwsSolutions-APIG4');
    return routes;
  }
}
