import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { signWebhook } from '../../functions/http/webhook-signature';
import type { Mailer, OutgoingEmail } from '../../functions/mail/outgoing-email';
import { signUnsubscribeToken, verifyUnsubscribeToken } from '../../functions/suppression/unsubscribe-token';
import { apiEvent, lambdaContext } from '../support/api-event';
import { localStackForTest } from '../support/local-stack-harness';
import { allItems } from '../support/services';
import { contentType, formBody, hostileText, jsonBody, rawBytes } from './arbitraries';

export interface FuzzFigures {
  endpoint: string;
  requests: number;
  serverErrors: number;
  /** Answers in the 2xx/3xx range to input built to be invalid. */
  acceptedInvalid: number;
  rowsStored: number;
  headerBreaks: number;
  statuses: Record<string, number>;
  durationMs: number;
}

type Handler = (event: APIGatewayProxyEventV2, context: never) => Promise<{ statusCode?: number } | undefined>;

const BREAKS = /[\r\n]/;

/** Records every email the handlers send and counts CR/LF that reached a header. */
export function headerAuditMailer(): Mailer & { headerBreaks: number; sent: number } {
  const audit = {
    headerBreaks: 0,
    sent: 0,
    async send(email: OutgoingEmail) {
      audit.sent++;
      const headerValues = [
        email.subject,
        ...email.to,
        ...email.headers.flatMap((header) => [header.name, header.value]),
      ];
      if (headerValues.some((value) => BREAKS.test(value))) audit.headerBreaks++;
      return { messageId: `fuzz-${audit.sent}` };
    },
  };
  return audit;
}

async function run(
  endpoint: string,
  handler: Handler,
  events: fc.Arbitrary<APIGatewayProxyEventV2>,
  runs: number,
  countRows: () => Promise<number>,
  audit: { headerBreaks: number },
  acceptable: (status: number, event: APIGatewayProxyEventV2) => boolean,
): Promise<FuzzFigures> {
  const figures: FuzzFigures = {
    endpoint,
    requests: 0,
    serverErrors: 0,
    acceptedInvalid: 0,
    rowsStored: 0,
    headerBreaks: 0,
    statuses: {},
    durationMs: 0,
  };
  const started = performance.now();
  await fc.assert(
    fc.asyncProperty(events, async (event) => {
      const response = await handler(event, undefined as never);
      const status = response?.statusCode ?? 200;
      figures.requests++;
      figures.statuses[status] = (figures.statuses[status] ?? 0) + 1;
      if (status >= 500) figures.serverErrors++;
      if (!acceptable(status, event)) figures.acceptedInvalid++;
      return status < 500 && acceptable(status, event);
    }),
    { numRuns: runs, endOnFailure: true },
  );
  figures.durationMs = Math.round(performance.now() - started);
  figures.rowsStored = await countRows();
  figures.headerBreaks = audit.headerBreaks;
  return figures;
}

const withContext =
  (handler: unknown): Handler =>
  (event) =>
    (handler as (e: unknown, c: unknown) => Promise<never>)(event, lambdaContext);

/** The public endpoints of the local stack, each fed `runs` generated requests. */
export async function fuzzPublicEndpoints(runs: number): Promise<FuzzFigures[]> {
  const audit = headerAuditMailer();
  const stack = await localStackForTest({}, { mailer: audit });
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.urls.dynamodb }));
  // What the stack stored at its start (the keyed-ids marker) is not the fuzzer's doing.
  const atStart = (await allItems(doc, stack.env.TABLE_NAME!)).length;
  const countRows = async () => (await allItems(doc, stack.env.TABLE_NAME!)).length - atStart;
  const signingKey = await stack.signingKey();
  const webhookKey = await stack.webhookKey();
  const onlyClientErrors = (status: number) => status >= 400 && status < 500;
  const hasValidSignature = (token: string) => {
    try {
      verifyUnsubscribeToken(token, signingKey);
      return true;
    } catch {
      return false;
    }
  };
  try {
    const leadEvent = (kind: 'json' | 'form') =>
      fc
        .record({
          type: fc.oneof(
            fc.constant(kind === 'json' ? 'application/json' : 'application/x-www-form-urlencoded'),
            contentType,
          ),
          body: kind === 'json' ? jsonBody : formBody,
          base64: fc.boolean(),
          bytes: rawBytes,
          ip: fc.ipV4(),
          viewer: fc.option(hostileText, { nil: undefined }),
        })
        .map(({ type, body, base64, bytes, ip, viewer }) => ({
          ...apiEvent({
            path: '/leads',
            headers: { 'content-type': type, ...(viewer !== undefined ? { 'cloudfront-viewer-address': viewer } : {}) },
            body: base64 ? bytes : body,
            sourceIp: ip,
          }),
          isBase64Encoded: base64,
        }));
    const tokens = fc.oneof(
      hostileText,
      fc.string({ maxLength: 120 }),
      fc
        .string({
          minLength: 10,
          maxLength: 30,
          unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEF0123456789-_'),
        })
        .map((leadId) => signUnsubscribeToken(leadId, signingKey)),
      fc.constant(signUnsubscribeToken('NoSuchLead0123456789abc', randomBytes(32))),
    );
    const unsubscribeEvent = fc
      .record({
        method: fc.constantFrom('GET', 'POST'),
        token: tokens,
        type: contentType,
        body: fc.oneof(fc.constant('List-Unsubscribe=One-Click'), hostileText),
      })
      .map(({ method, token, type, body }) =>
        apiEvent({ method, path: '/u/{token}', pathParameters: { token }, headers: { 'content-type': type }, body }),
      );
    const bookedEvent = fc
      .record({ body: jsonBody, sign: fc.constantFrom('valid', 'none', 'garbage', 'stale'), garbage: hostileText })
      .map(({ body, sign, garbage }) => {
        const signature =
          sign === 'valid'
            ? signWebhook(body, webhookKey, stack.clock.now().getTime())
            : sign === 'stale'
              ? signWebhook(body, webhookKey, stack.clock.now().getTime() - 3_600_000)
              : sign === 'garbage'
                ? garbage
                : undefined;
        return apiEvent({
          path: '/webhooks/booked',
          headers: {
            'content-type': 'application/json',
            ...(signature !== undefined ? { 'x-signature': signature } : {}),
          },
          body,
        });
      });
    const confirmEvent = fc
      .record({ method: fc.constantFrom('GET', 'POST'), token: tokens })
      .map(({ method, token }) => apiEvent({ method, path: '/confirm/{token}', pathParameters: { token } }));

    // Every request below is invalid or names no one: nothing may be stored and nothing sent.
    const results: FuzzFigures[] = [];
    results.push(
      await run(
        'POST /leads (JSON)',
        withContext(stack.handlers.capture),
        leadEvent('json'),
        runs,
        countRows,
        audit,
        onlyClientErrors,
      ),
    );
    results.push(
      await run(
        'POST /leads (form)',
        withContext(stack.handlers.capture),
        leadEvent('form'),
        runs,
        countRows,
        audit,
        onlyClientErrors,
      ),
    );
    results.push(
      await run(
        'GET|POST /u/{token}',
        withContext(stack.drip.unsubscribe),
        unsubscribeEvent,
        runs,
        countRows,
        audit,
        // A forged, altered or foreign token gets 400. One signed with the real key for a lead
        // that does not exist gets the normal page (200, or 413 for a huge body): an answer that
        // differed would tell who is a lead; and no row may be written for it.
        (status, event) =>
          hasValidSignature(event.pathParameters?.token ?? '') ? status === 200 || status === 413 : status === 400,
      ),
    );
    results.push(
      await run(
        'POST /webhooks/booked',
        withContext(stack.drip.booked),
        bookedEvent,
        runs,
        countRows,
        audit,
        onlyClientErrors,
      ),
    );
    results.push(
      await run(
        'GET|POST /confirm/{token}',
        withContext(stack.drip.confirmOptIn),
        confirmEvent,
        runs,
        countRows,
        audit,
        (status, event) => (event.requestContext.http.method === 'GET' ? status === 200 : status === 400),
      ),
    );
    // Valid leads whose free text tries to become a header: they are stored and emailed, and
    // not one CR/LF may reach a subject, recipient or header of what is sent.
    const sentBefore = audit.sent;
    const hostileLead = fc
      .record({
        firstName: fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' }),
        email: fc.emailAddress(),
        message: hostileText,
        utm_campaign: fc.string({ maxLength: 100 }),
      })
      .map((fields) =>
        apiEvent({
          path: '/leads',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            ...fields,
            interests: ['skin-regeneration'],
            consent: true,
            consentVersion: '2026-11-01',
          }),
        }),
      );
    const valid = await run(
      'POST /leads (valid, hostile text)',
      withContext(stack.handlers.capture),
      hostileLead,
      // Each is a whole capture (transaction, two emails): a quarter of the runs, at most 1,000.
      Math.min(Math.ceil(runs / 4), 1000),
      countRows,
      audit,
      (status) => status < 500,
    );
    results.push({ ...valid, rowsStored: valid.rowsStored, headerBreaks: audit.headerBreaks });
    if (audit.sent === sentBefore) throw new Error('No valid lead was generated: the header audit proved nothing');
    return results;
  } finally {
    await stack.stop();
  }
}
