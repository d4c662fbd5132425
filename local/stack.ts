import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PREVIEW_SECURITY_HEADERS } from '../emails/preview';
import { recordAwsCallsAs } from '../functions/adapters/aws-call-recorder';
import { dynamoTable } from '../functions/adapters/clients/dynamodb';
import { DynamoAddressIds } from '../functions/adapters/dynamodb/address-ids';
import { DynamoEnrolmentStore } from '../functions/adapters/dynamodb/enrolments';
import { keyedIdsMigrated, migrateToKeyedIds } from '../functions/adapters/dynamodb/keyed-id-migration';
import {
  adminComposeEnvSchema,
  adminEnvSchema,
  baseEnvSchema,
  captureEnvSchema,
  parseEnv,
} from '../functions/config/env';
import { PUBLIC_ROUTES, type PublicFunction } from '../functions/http/public-routes';
import { makeAdminHandler } from '../functions/lambdas/admin/handler';
import { adminDeps } from '../functions/lambdas/admin/wiring';
import { makeAdminComposeHandler } from '../functions/lambdas/admin-compose/handler';
import { adminComposeDeps } from '../functions/lambdas/admin-compose/wiring';
import { makeCaptureHandler } from '../functions/lambdas/capture/handler';
import { captureDeps } from '../functions/lambdas/capture/wiring';
import type { Mailer } from '../functions/mail/outgoing-email';
import type { SigningKeyProvider } from '../functions/shared/signing-key';
import { securityHeaders } from '../web/security-headers';
import { filePassword, type LocalConsoleUser, localAdminRoutes, localConsoleUsers } from './admin-auth';
import { localBookingTools } from './booking-tools';
import { controlRoutes } from './control-routes';
import { ControllableClock } from './controllable-clock';
import { createDripRuntime } from './drip-runtime';
import { type RunningDynamoDb, startDynamoDbLocal } from './dynamodb-local';
import { createGateway, type LambdaHttpHandler } from './gateway';
import { localEnvironment } from './local-env';
import { acceptLoopbackOnly } from './loopback';
import { ROOT } from './paths';
import { assertPortFree } from './ports';
import { foreignRequestReason, refuseForeignRequests, thisMachineHosts } from './request-guard';
import { type RunningSes, startSesLocal } from './ses-local';
import { fileSigningKey } from './signing-key';
import { ensureTable } from './table';
import { localWebhooks } from './webhooks';

export interface LocalStackOptions {
  port: number;
  sesPort: number;
  dynamoPort: number;
  /** Folder for DynamoDB's files and the signing key; omit to keep everything in memory (tests). */
  dataDir?: string;
  tableName?: string;
  /** Reuse services that are already running (tests share one DynamoDB Local and SES). */
  dynamoEndpoint?: string;
  sesEndpoint?: string;
  extraEnv?: Record<string, string>;
  /** Replaces the local SES adapter (tests and benchmarks that audit or count what is sent). */
  mailer?: Mailer;
  /** Runs the dispatcher on a timer, as EventBridge Scheduler does every minute in AWS. Off in tests. */
  dispatchIntervalMs?: number;
  /** Answer other machines too (to try the pages on a phone); by default only this machine is served. */
  openToNetwork?: boolean;
  /** The key of lead ids and suppression hashes; default `.data/identity.key` (in memory without a data folder). */
  identityKey?: SigningKeyProvider;
}

export interface LocalStack {
  urls: { site: string; outbox: string; preview: string; console: string; dynamodb: string };
  env: Record<string, string>;
  clock: ControllableClock;
  drip: ReturnType<typeof createDripRuntime>;
  handlers: { capture: unknown };
  signingKey: SigningKeyProvider;
  webhookKey: SigningKeyProvider;
  identityKey: SigningKeyProvider;
  /** The Calendly and Acuity webhooks: their keys and the local Acuity appointment book. */
  bookingTools: ReturnType<typeof localBookingTools>;
  /** Outgoing webhooks: the stream consumer, the in-process queue and the deliverer. */
  webhooks: ReturnType<typeof localWebhooks>;
  /** Who can sign in to the console locally (POST /admin/api/login). */
  consoleUsers: LocalConsoleUser[];
  stop(): Promise<void>;
  /**
   * Stops abruptly, as a crash would: DynamoDB Local is killed, open connections are cut, and
   * work queued in memory is dropped. What was stored on disk is all that survives.
   */
  crash(): Promise<void>;
}

/** The whole pipeline on one machine: DynamoDB Local, local SES, and the handlers behind a local gateway. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  await assertPortFree(options.port, 'PORT');
  if (!options.sesEndpoint) await assertPortFree(options.sesPort, 'SES_PORT');
  if (!options.dynamoEndpoint) await assertPortFree(options.dynamoPort, 'DYNAMODB_PORT');
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';

  const stoppers: (() => Promise<void>)[] = [];
  const hosts = thisMachineHosts(options.openToNetwork);
  try {
    let dynamo: RunningDynamoDb | undefined;
    let ses: RunningSes | undefined;
    if (!options.dynamoEndpoint) {
      dynamo = await startDynamoDbLocal({
        port: options.dynamoPort,
        ...(options.dataDir ? { dataDir: join(options.dataDir, 'dynamodb') } : {}),
      });
      stoppers.push(() => dynamo!.stop());
    }
    if (!options.sesEndpoint) {
      // Listen on all interfaces like the package's own CLI, so the outbox opens from a browser.
      ses = await startSesLocal({ port: options.sesPort, host: '::' });
      if (!options.openToNetwork) acceptLoopbackOnly(ses.server);
      refuseForeignRequests(ses.server, hosts);
      stoppers.push(() => ses!.stop());
    }
    const dynamoEndpoint = options.dynamoEndpoint ?? dynamo!.endpoint;
    const sesEndpoint = options.sesEndpoint ?? ses!.endpoint;
    const env = localEnvironment(
      { port: options.port, dynamoEndpoint, sesEndpoint, tableName: options.tableName ?? 'clinic-leads' },
      options.extraEnv,
    );
    const dynamoClient = new DynamoDBClient({ endpoint: dynamoEndpoint });
    await ensureTable(dynamoClient, env.TABLE_NAME!);
    dynamoClient.destroy();

    const clock = new ControllableClock();
    const signingKey = options.dataDir ? fileSigningKey(join(options.dataDir, 'signing.key')) : async () => inMemoryKey;
    const webhookKey = options.dataDir
      ? fileSigningKey(join(options.dataDir, 'webhook.key'), 'raw')
      : async () => inMemoryWebhookKey;
    const identityKey =
      options.identityKey ??
      (options.dataDir ? fileSigningKey(join(options.dataDir, 'identity.key')) : async () => inMemoryIdentityKey);
    // Data kept in .data/ from before keyed ids moves to them on the first start (nothing to do
    // after). This table client, the migration's and the control routes', is a local tool, not a
    // Lambda function: its calls are not recorded.
    recordAwsCallsAs(undefined);
    const localTable = dynamoTable(parseEnv(baseEnvSchema, env));
    if (!(await keyedIdsMigrated(localTable))) {
      const moved = await migrateToKeyedIds(localTable, await identityKey());
      if (moved.leads + moved.suppressions > 0) {
        console.log(`Moved ${moved.leads} local lead(s) and ${moved.suppressions} suppression(s) to keyed ids.`);
      }
    }
    const overrides = {
      clock,
      signingKey,
      webhookKey,
      identityKey,
      ...(options.mailer ? { mailer: options.mailer } : {}),
    };
    const capture = makeCaptureHandler(captureDeps(parseEnv(captureEnvSchema, env), overrides));
    const drip = createDripRuntime({ env, clock, signingKey, webhookKey, identityKey, mailer: options.mailer });
    const bookingTools = localBookingTools({ env, clock, dataDir: options.dataDir, identityKey });
    const webhooks = localWebhooks({ env, clock, dataDir: options.dataDir, mailer: options.mailer });
    await webhooks.start();
    stoppers.push(() => webhooks.stop());
    const admin = makeAdminHandler(
      adminDeps(parseEnv(adminEnvSchema, env), { ...overrides, deliveryQueue: webhooks.queue }),
    );
    const adminCompose = makeAdminComposeHandler(adminComposeDeps(parseEnv(adminComposeEnvSchema, env), overrides));
    const consoleKey = options.dataDir
      ? await fileSigningKey(join(options.dataDir, 'console.key'))()
      : inMemoryConsoleKey;
    const consoleUsers = localConsoleUsers(
      env.LOCAL_CONSOLE_USERS ?? process.env.LOCAL_CONSOLE_USERS,
      options.dataDir ? filePassword(join(options.dataDir, 'console-password')) : inMemoryConsolePassword,
    );
    // The control routes' store is a local tool, not a Lambda function: its calls are not recorded.
    recordAwsCallsAs(undefined);
    const store = new DynamoEnrolmentStore(localTable);
    const ids = new DynamoAddressIds(localTable, identityKey);
    const http = (handler: unknown) => handler as LambdaHttpHandler;

    const gateway = createGateway({
      routes: [
        ...publicRoutes({
          capture: http(capture),
          unsubscribe: http(drip.unsubscribe),
          booked: http(drip.booked),
          calendly: bookingTools.handlers.calendly,
          acuity: bookingTools.handlers.acuity,
          confirmOptIn: http(drip.confirmOptIn),
        }),
        ...controlRoutes(drip, store, ids, env.DEFAULT_SEQUENCE_ID!, () => clock.now()),
        ...bookingTools.routes,
        ...localAdminRoutes({ admin: http(admin), 'admin-compose': http(adminCompose) }, consoleUsers, consoleKey, () =>
          clock.now(),
        ),
      ],
      staticMounts: [
        { prefix: '/preview', dir: join(ROOT, 'emails/dist/preview'), headers: PREVIEW_SECURITY_HEADERS },
        { prefix: '/', dir: join(ROOT, 'web/dist') },
      ],
      headers: securityHeaders,
      refusal: (req) => foreignRequestReason(req, hosts, { opaqueOriginOnPages: true }),
    });
    if (!options.openToNetwork) acceptLoopbackOnly(gateway);
    await listen(gateway, options.port);
    stoppers.push(() => close(gateway));
    let stopTimer: (() => void) | undefined;
    if (options.dispatchIntervalMs) {
      stopTimer = drip.startTimer(options.dispatchIntervalMs);
      stoppers.push(async () => {
        stopTimer?.();
        await drip.queue.drain();
      });
    }

    const site = `http://localhost:${options.port}`;
    return {
      urls: {
        site: `${site}/`,
        outbox: sesEndpoint.replace('127.0.0.1', 'localhost'),
        preview: `${site}/preview/`,
        console: `${site}/console/`,
        dynamodb: dynamoEndpoint,
      },
      env,
      clock,
      drip,
      handlers: { capture },
      signingKey,
      webhookKey,
      identityKey,
      bookingTools,
      webhooks,
      consoleUsers,
      stop: () => stopAll(stoppers),
      crash: async () => {
        stopTimer?.();
        drip.queue.abandon();
        await dynamo?.kill();
        gateway.closeAllConnections();
        await new Promise<void>((resolve) => gateway.close(() => resolve()));
        await ses?.stop();
      },
    };
  } catch (error) {
    await stopAll(stoppers);
    throw error;
  }
}

/** The gateway's routes for the public API, from the same declaration the CDK stack reads. */
function publicRoutes(handlers: Record<PublicFunction, LambdaHttpHandler>) {
  return Object.entries(PUBLIC_ROUTES).flatMap(([name, route]) =>
    route.methods.map((method) => ({ method, path: route.path, handler: handlers[name as PublicFunction] })),
  );
}

const inMemoryKey = randomBytes(32);
const inMemoryWebhookKey = randomBytes(32);
const inMemoryIdentityKey = randomBytes(32);
const inMemoryConsoleKey = randomBytes(32);
const inMemoryConsolePassword = randomBytes(12).toString('base64url');

async function stopAll(stoppers: (() => Promise<void>)[]): Promise<void> {
  for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolvePromise());
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolvePromise) => {
    server.closeAllConnections();
    server.close(() => resolvePromise());
  });
}
