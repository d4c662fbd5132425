import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type ConfirmDeps, confirmOptIn } from '../../consent/confirm-opt-in';
import { errorFields } from '../../observability/redact';
import {
  confirmOptInPage,
  invalidLinkPage,
  type LinkPageSite,
  linkPageHeadersMiddleware,
  optInConfirmedPage,
} from '../../pages/link-pages';
import { type HttpResponse, htmlResponse } from '../http/responses';

export interface ConfirmHandlerDeps extends ConfirmDeps {
  practice: LinkPageSite['practice'];
  siteUrl: string;
}

const EXPIRED =
  'This confirmation link has expired or was already used. Links work once, for 48 hours. Send the form again and we will email you a new one.';

const TRY_AGAIN = 'We could not confirm this right now. Your link still works: please try it again in a minute.';

/** GET /confirm/{token} asks; POST /confirm/{token} confirms once and starts the sequence. */
export function makeConfirmOptInHandler(deps: ConfirmHandlerDeps) {
  return middy<APIGatewayProxyEventV2, HttpResponse>()
    .use(httpHeaderNormalizer())
    .use(linkPageHeadersMiddleware(deps.siteUrl))
    .handler(async (event) => {
      const token = event.pathParameters?.token ?? '';
      const site: LinkPageSite = { practice: deps.practice, siteUrl: deps.siteUrl };
      if (event.requestContext.http.method !== 'POST') {
        return htmlResponse(200, confirmOptInPage(site));
      }
      let result: Awaited<ReturnType<typeof confirmOptIn>>;
      try {
        result = await confirmOptIn(token, deps);
      } catch (error) {
        // Nothing was changed (one transaction), so the same link works when tried again.
        deps.log.error('Opt-in confirmation failed', errorFields(error));
        return htmlResponse(503, invalidLinkPage(TRY_AGAIN, site), { 'retry-after': '60' });
      }
      return result === 'confirmed'
        ? htmlResponse(200, optInConfirmedPage(site))
        : htmlResponse(400, invalidLinkPage(EXPIRED, site));
    });
}
