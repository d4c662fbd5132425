import { join } from 'node:path';
import { clinicConfig } from '../config/clinic';
import { signAsAcuity, signAsCalendly } from '../functions/booking/tool-signatures';
import { signWebhook } from '../functions/http/webhook-signature';
import { checkEmailAddress, leadIdFor } from '../functions/lead/email-address';
import { replyAddressFor } from '../functions/reply/reply-address';
import { parseDuration } from '../functions/schedule';
import { ROOT } from './paths';
import { LOCAL_CONTROL_HEADER } from './request-guard';
import { fileSigningKey } from './signing-key';

const USAGE = `Usage: npm run drip -- <command>

  advance <ISO-8601 duration>   move the local clock forward (e.g. P3D, PT12H, P35D) and send what falls due
  tick                          run the dispatcher once now
  status                        show the local clock, queue and counters
  bounce <email>                simulate an SES hard bounce for that address
  complain <email>              simulate an SES complaint for that address
  open <email>                  simulate an open of the last email that address received
  booking-click <email>         simulate a click on that email's "Book a consultation" button
  booked <email>                mark the lead as booked (a signed webhook call, as a scheduling tool would send)
  calendly booked|cancelled <email>
                                a signed Calendly invitee.created / invitee.canceled for that address
  acuity scheduled <email>      a local Acuity appointment for that address, and its signed notification
  acuity canceled <id>          cancel that local Acuity appointment, and its signed notification
  reply <email> "<text>"        reply as that lead would: an email over SMTP to their reply address (pauses the sequence)

The local stack must be running (npm start); PORT and SMTP_PORT select it as for npm start (default 3000, 2525).`;

async function call(path: string, init: RequestInit = {}): Promise<unknown> {
  const base = `http://localhost:${process.env.PORT || 3000}`;
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', [LOCAL_CONTROL_HEADER]: '1', ...init.headers },
    });
  } catch {
    fail(`No local stack answers on ${base}. Start it with "npm start" (or set PORT to the port it uses).`);
  }
  const text = await response.text();
  const body = text ? JSON.parse(text) : {};
  if (!response.ok) fail(`${response.status}: ${body.message ?? body.error ?? text}`);
  return body;
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** Sends what a mail client would: from the lead's address to their signed reply address, over SMTP. */
async function reply(email: string | undefined, text: string | undefined): Promise<void> {
  if (!email || !text) fail('Say who replies and what, e.g. npm run drip -- reply you@example.com "Please call me"');
  const check = checkEmailAddress(email);
  if (!check.ok) fail(`"${email}" is not an email address this stack takes: ${check.reason}.`);
  const dataDir = process.env.DATA_DIR ?? join(ROOT, '.data');
  const key = await fileSigningKey(join(dataDir, 'signing.key'))();
  // The stack keys lead ids with its identity key (npm start migrates the local table to them).
  const identityKey = await fileSigningKey(join(dataDir, 'identity.key'))();
  const domain = `reply.${clinicConfig.mail.sendingDomain.toLowerCase()}`;
  const to = replyAddressFor(leadIdFor(check.normalised, identityKey), domain, key);
  const port = Number(process.env.SMTP_PORT || 2525);
  // Loaded only for this command: the others start faster without the SMTP client.
  const { createTransport } = await import('nodemailer');
  const transport = createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    const info = await transport.sendMail({ from: check.normalised, to, subject: 'Re: your consultation', text });
    console.log(JSON.stringify({ sent: true, to, smtp: `localhost:${port}`, answer: info.response }, null, 2));
  } catch (error) {
    const { code, response } = error as { code?: string; response?: string };
    if (code === 'ESOCKET' || code === 'ECONNECTION') {
      fail(`No local SMTP server answers on localhost:${port}. Start the stack with "npm start" (or set SMTP_PORT).`);
    }
    fail(`The SMTP server refused the reply: ${response ?? (error as Error).message}`);
  } finally {
    transport.close();
  }
}

async function main(): Promise<void> {
  const [command, argument, extra] = process.argv.slice(2);
  switch (command) {
    case 'advance': {
      if (!argument) fail('Say how far to move the clock, e.g. "npm run drip -- advance P3D".');
      try {
        parseDuration(argument);
      } catch (error) {
        fail(`"${argument}" is not a duration this command takes: ${(error as Error).message}. Try P3D or PT12H.`);
      }
      console.log(
        JSON.stringify(
          await call('/__local/drip/advance', { method: 'POST', body: JSON.stringify({ duration: argument }) }),
          null,
          2,
        ),
      );
      return;
    }
    case 'tick':
      console.log(JSON.stringify(await call('/__local/drip/tick', { method: 'POST', body: '{}' }), null, 2));
      return;
    case 'status':
      console.log(JSON.stringify(await call('/__local/status'), null, 2));
      return;
    case 'bounce':
    case 'complain':
    case 'open':
    case 'booking-click': {
      if (!argument) fail(`Say which address, e.g. "npm run drip -- ${command} someone@example.com".`);
      const type = command === 'complain' ? 'complaint' : command;
      console.log(
        JSON.stringify(
          await call(`/__local/ses/${type}`, { method: 'POST', body: JSON.stringify({ email: argument }) }),
          null,
          2,
        ),
      );
      return;
    }
    case 'booked': {
      if (!argument) fail('Say which address, e.g. "npm run drip -- booked someone@example.com".');
      const body = JSON.stringify({ email: argument });
      const key = await fileSigningKey(join(process.env.DATA_DIR ?? join(ROOT, '.data'), 'webhook.key'), 'raw')();
      // Signed at the stack's time: after `advance` the server checks the timestamp against
      // its own clock, days ahead of this machine's.
      const { now } = (await call('/__local/status')) as { now: string };
      const signature = signWebhook(body, key, Date.parse(now));
      console.log(
        JSON.stringify(
          await call('/webhooks/booked', { method: 'POST', body, headers: { 'x-signature': signature } }),
          null,
          2,
        ),
      );
      return;
    }
    case 'calendly':
    case 'acuity': {
      const [, action, subject] = process.argv.slice(2);
      console.log(JSON.stringify(await bookingToolCall(command, action, subject), null, 2));
      return;
    }
    case 'reply':
      await reply(argument, extra);
      return;
    default:
      fail(command ? `Unknown command "${command}".\n\n${USAGE}` : USAGE);
  }
}

/** What Calendly or Acuity would send, signed with the local stack's keys (`.data/calendly.key`, `.data/acuity.key`). */
async function bookingToolCall(tool: 'calendly' | 'acuity', action?: string, subject?: string): Promise<unknown> {
  const dataDir = process.env.DATA_DIR ?? join(ROOT, '.data');
  if (tool === 'calendly') {
    if (!subject || (action !== 'booked' && action !== 'cancelled')) {
      fail('Say what happened and to whom, e.g. "npm run drip -- calendly cancelled someone@example.com".');
    }
    const body = JSON.stringify({
      event: action === 'booked' ? 'invitee.created' : 'invitee.canceled',
      payload: { email: subject, uri: `local:calendly:${subject}`, rescheduled: false },
    });
    const key = await fileSigningKey(join(dataDir, 'calendly.key'), 'raw')();
    const { now } = (await call('/__local/status')) as { now: string };
    const signature = signAsCalendly(body, key, Date.parse(now));
    return call('/webhooks/calendly', { method: 'POST', body, headers: { 'calendly-webhook-signature': signature } });
  }
  if (!subject || (action !== 'scheduled' && action !== 'canceled')) {
    fail('Say what happened, e.g. "npm run drip -- acuity scheduled someone@example.com" or "acuity canceled 1000".');
  }
  const { id } = (await call('/__local/acuity/appointments', {
    method: 'POST',
    body: JSON.stringify(action === 'scheduled' ? { email: subject } : { cancel: subject }),
  })) as { id: string };
  const body = new URLSearchParams({ action, id, calendarID: '1', appointmentTypeID: '1' }).toString();
  const key = await fileSigningKey(join(dataDir, 'acuity.key'), 'raw')();
  const result = await call('/webhooks/acuity', {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-acuity-signature': signAsAcuity(body, key) },
  });
  return { appointmentId: id, ...(result as object) };
}

void main();
