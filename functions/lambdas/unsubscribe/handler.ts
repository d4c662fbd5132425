import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { SendRecordStore } from '../../drip/ports';
import type { AddressIds } from '../../lead/address-ids';
import type { Log } from '../../observability/logger';
import { errorFields } from '../../observability/redact';
import {
  alreadyUnsubscribedPage,
  confirmUnsubscribePage,
  invalidLinkPage,
  type LinkPageSite,
  linkPageHeadersMiddleware,
  unsubscribedPage,
} from '../../pages/link-pages';
import type { Clock } from '../../shared/clock';
import type { SigningKeyProvider } from '../../shared/signing-key';
import type { ExitDeps } from '../../suppression/exit-lead';
import { unsubscribeLead, unsubscribeState } from '../../suppression/unsubscribe';
import { InvalidTokenError, type UnsubscribeLink, verifyUnsubscribeToken } from '../../suppression/unsubscribe-token';
import { type HttpResponse, htmlResponse } from '../http/responses';

export interface UnsubscribeHandlerDeps extends ExitDeps {
  clock: Clock;
  signingKey: SigningKeyProvider;
  practice: LinkPageSite['practice'];
  siteUrl: string;
  log: Log;
  ids: Pick<AddressIds, 'currentLeadId'>;
  /** The email's send record names the path it went out on, for the unsubscribe's counter. */
  sendRecords: Pick<SendRecordStore, 'recordEmailEvent' | 'getSendRecord'>;
}

const MAX_BODY_BYTES = 4096;

/**
 * GET /u/{token} shows a confirm button and changes nothing; POST /u/{token} (RFC 8058
 * one-click, body "List-Unsubscribe=One-Click") unsubscribes with no login or cookie and
 * answers 200, never a redirect. A link used before says so instead of asking again. The token
 * is never logged.
 */
export function makeUnsubscribeHandler(deps: UnsubscribeHandlerDeps) {
  return middy<APIGatewayProxyEventV2, HttpResponse>()
    .use(httpHeaderNormalizer())
    .use(linkPageHeadersMiddleware(deps.siteUrl))
    .handler(async (event) => {
      const method = event.requestContext.http.method;
      const site: LinkPageSite = { practice: deps.practice, siteUrl: deps.siteUrl };
      const invalid = (message: string) => htmlResponse(400, invalidLinkPage(message, site));
      let link: UnsubscribeLink;
      try {
        link = verifyUnsubscribeToken(event.pathParameters?.token ?? '', await deps.signingKey());
      } catch (error) {
        if (error instanceof InvalidTokenError) return invalid(error.message);
        throw error;
      }
      // A link in an email sent before keyed ids names the lead by its unkeyed id: it still works.
      link = { ...link, leadId: await deps.ids.currentLeadId(link.leadId) };
      if (method === 'GET' || method === 'HEAD') {
        const state = await unsubscribeState(link, deps);
        return htmlResponse(
          200,
          state === 'already-unsubscribed' ? alreadyUnsubscribedPage(site) : confirmUnsubscribePage(site),
        );
      }
      if ((event.body?.length ?? 0) > MAX_BODY_BYTES)
        return htmlResponse(413, invalidLinkPage('The request was too large.', site));
      let result: Awaited<ReturnType<typeof unsubscribeLead>>;
      try {
        result = await unsubscribeLead(link, deps);
        deps.log.info('Unsubscribe', { leadId: link.leadId, stepId: link.from?.stepId, result });
      } catch (error) {
        deps.log.error('Unsubscribe failed', { leadId: link.leadId, ...errorFields(error) });
        return htmlResponse(
          503,
          invalidLinkPage('We could not complete this right now. Please try again in a minute.', site),
          {
            'retry-after': '60',
          },
        );
      }
      return htmlResponse(
        200,
        result === 'already-unsubscribed' ? alreadyUnsubscribedPage(site) : unsubscribedPage(site),
      );
    });
}
