import type { Server } from 'node:http';
import startSesServer from 'aws-ses-v2-local';
import { serveFavicon } from './favicon';

export interface RunningSes {
  endpoint: string;
  server: Server;
  stop(): Promise<void>;
}

/** What the local SES answers to GetAccount, so the sender's pacing reads a real MaxSendRate. */
export function localSesAccount(maxSendRate: number) {
  return {
    DedicatedIpAutoWarmupEnabled: false,
    Details: {
      AdditionalContactEmailAddresses: [],
      ContactLanguage: 'EN',
      MailType: 'MARKETING',
      ReviewDetails: { CaseId: 'local', Status: 'GRANTED' },
      UseCaseDescription: 'Local development',
      WebsiteURL: 'http://localhost',
    },
    EnforcementStatus: 'HEALTHY',
    ProductionAccessEnabled: true,
    SendingEnabled: true,
    SendQuota: { Max24HourSend: 50_000, MaxSendRate: maxSendRate, SentLast24Hours: 0 },
    SuppressionAttributes: { SuppressedReasons: [] },
  };
}

/**
 * Starts aws-ses-v2-local in this process: SES v2 SendEmail and GetAccount, plus a web
 * outbox at / and the sent messages as JSON at /store. The outbox lives in memory.
 */
export async function startSesLocal(options: {
  port: number;
  host?: string;
  maxSendRate?: number;
}): Promise<RunningSes> {
  process.env.AWS_SES_ACCOUNT ??= JSON.stringify(localSesAccount(options.maxSendRate ?? 14));
  const server: Server = await startSesServer({ port: options.port, host: options.host ?? '127.0.0.1' });
  serveFavicon(server);
  return {
    endpoint: `http://127.0.0.1:${options.port}`,
    server,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
