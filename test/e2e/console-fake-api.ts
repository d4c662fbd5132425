import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import mjml2html from 'mjml';
import type * as z from 'zod';
import {
  ADMIN_API_PREFIX,
  type BookingInboxItem,
  type Group,
  type ImportReport,
  importSchema,
  LEAD_STATUSES,
  type LeadSummary,
  type LeadTimeline,
  leadQuerySchema,
  localLoginSchema,
  type Me,
  migrateSchema,
  pipelineUpdateSchema,
  previewRequestSchema,
  type Results,
  type Review,
  resultsQuerySchema,
  reviewSchema,
  type SequenceDetail,
  type SequenceListItem,
  type SimulatedSend,
  type StepFigures,
  type StepResult,
  simulateSchema,
  stopSequenceSchema,
  type TimelineEvent,
  testSendSchema,
} from '../../functions/admin/contract';
import { localTime } from '../../functions/admin/simulate';
import { INTEREST_IDS } from '../../functions/lead/interests';
import { planJourney } from '../../functions/schedule';
import { type ContentProblem, type SequenceDraft, sequenceDraftSchema } from '../../functions/sequence/draft';
import type { ConsoleConfig } from '../../web/console/src/config';
import { readStaticFile } from '../../web/static-files';
import { parseCsv } from '../support/console-real';

/**
 * A stand-in for the admin API, written against functions/admin/contract.ts: every request body
 * and query is parsed with the contract's own zod schemas (so the console must send exactly what
 * the real API accepts), answers have the contract's types, and errors its `{ error, message,
 * fields? }` body. Data is canned and kept in memory; `requests` records every API call.
 * It also plays Cognito's Hosted UI for the console's cognito mode (authorize; token with the PKCE
 * check and the refresh grant; revoke; logout), and serves the built site with the real security
 * headers.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorization?: string;
}

interface User extends Omit<Me, 'now'> {
  password: string;
}

export const USERS = {
  marketer: {
    username: 'marketer',
    password: 'marketer-pass',
    email: 'marketer@clinic.example',
    groups: ['marketing'],
  },
  admin: { username: 'admin', password: 'admin-pass', email: 'admin@clinic.example', groups: ['admin'] },
} satisfies Record<string, User>;

export const LEAD_COUNT = 1234;
export const SEQUENCE_ID = 'exosome-aftercare';

/** Leads whose values a spreadsheet would run as formulas, and one that needs CSV quoting. */
export const HOSTILE_LEAD = {
  leadId: 'lead-formula',
  firstName: '=HYPERLINK("http://evil.example","click")',
  lastName: '@SUM(1+1)',
  email: 'formula@example.com',
  phone: '+18135550100',
  source: '-cmd',
};
export const QUOTED_LEAD = {
  leadId: 'lead-quoted',
  firstName: 'Zoë',
  lastName: 'O"Brien, Jr',
  email: 'zoe@example.com',
};

const FIRST = ['Alex', 'Sam', 'Jamie', 'Taylor', 'Jordan', 'Casey', 'Riley', 'Avery', 'Quinn', 'Harper'];
const LAST = ['Nguyen', 'Garcia', 'Smith', 'Patel', 'Kim', 'Lopez', 'Brown', 'Silva', 'Khan', 'Meyer'];
const SOURCES = ['google', 'facebook', 'direct', 'newsletter'];

function makeLeads(now: number): LeadSummary[] {
  const leads: LeadSummary[] = [];
  for (let i = 0; i < LEAD_COUNT; i += 1) {
    const status = LEAD_STATUSES[i % LEAD_STATUSES.length]!;
    leads.push({
      leadId: `lead-${String(i).padStart(5, '0')}`,
      firstName: FIRST[i % FIRST.length]!,
      lastName: LAST[Math.floor(i / FIRST.length) % LAST.length]!,
      email: `person${i}@example.com`,
      status,
      interests: [INTEREST_IDS[i % INTEREST_IDS.length]!],
      source: SOURCES[i % SOURCES.length]!,
      // Newest first: one lead every three hours back from "now".
      createdAt: new Date(now - (i + 2) * 3 * 3_600_000).toISOString(),
      submissionCount: 1 + (i % 3),
      progress: status === 'active' ? `${1 + (i % 7)} of 7` : status === 'booked' ? 'exited: booked' : 'completed',
      // Staff follow-up on a few: every 40th asked for a call, every 80th is the marketer's.
      ...(i % 40 === 13
        ? {
            pipelineStatus: 'new' as const,
            openTasks: [
              { taskId: 'contact' as const, title: 'Call them', openedAt: new Date(now - i * 3_600_000).toISOString() },
            ],
            ...(i % 80 === 13 ? { owner: USERS.marketer.username } : {}),
          }
        : {}),
    });
  }
  leads.unshift(
    {
      ...HOSTILE_LEAD,
      status: 'active',
      interests: ['hair-restoration'],
      createdAt: new Date(now - 3_600_000).toISOString(),
      submissionCount: 1,
      progress: '2 of 7',
    },
    {
      ...QUOTED_LEAD,
      status: 'active',
      interests: ['fraxel-aftercare', 'skin-regeneration'],
      source: 'google',
      createdAt: new Date(now - 1_800_000).toISOString(),
      submissionCount: 2,
      progress: '1 of 7',
    },
  );
  return leads;
}

const mjmlEmail = (heading: string, paragraph: string) => `<mjml lang="en">
  <mj-head>
    <mj-title>${heading}</mj-title>
    <mj-style>.note div { color: #4a5058 !important; }</mj-style>
  </mj-head>
  <mj-body background-color="#ffffff">
    <mj-section>
      <mj-column>
        <mj-text font-size="24px" color="#073a44"><h1>${heading}</h1></mj-text>
        <mj-text font-size="16px" color="#1c1f23"><p>Hi {{firstName|there}},</p><p>${paragraph}</p></mj-text>
        <mj-button href="{{bookingUrl}}" background-color="#0b5563" color="#ffffff">Book a consultation</mj-button>
        <mj-text css-class="note" font-size="14px" color="#4a5058"><p>Unsubscribe: {{unsubscribeUrl}}</p></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
`;

function initialDraft(): SequenceDraft {
  const step = (id: string, delay: string, subject: string, extra: object = {}) => ({
    id,
    delay,
    template: id,
    subject,
    subjectWeight: 1,
    variants: [],
    preheader: `About ${id.replace(/-/g, ' ')}, in plain English.`,
    enabled: true,
    sources: ['Exosomes are like letters your cells send each other.'],
    ...extra,
  });
  return {
    definition: {
      id: SEQUENCE_ID,
      name: 'Exosome aftercare (PBME Topical)',
      description: 'Seven plain-English emails over about 30 days.',
      sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'], start: '09:00', end: '18:00' },
      timeZoneFallback: 'practice',
      exitOn: ['unsubscribed', 'bounced', 'complained', 'booked'],
      steps: [
        step('welcome', 'PT0S', 'Welcome: what to expect from us this month'),
        step('exosomes-explained', 'P3D', 'Exosomes in plain English: letters between cells', {
          variants: [{ id: 'b', subject: 'What exactly are exosomes? A plain-English answer', weight: 1 }],
        }),
        step('why-pbme', 'P4D', 'Why the source of exosomes matters: PBME Topical'),
      ],
    },
    templates: {
      welcome: mjmlEmail('Welcome, and what to expect', 'Thank you for getting in touch.'),
      'exosomes-explained': mjmlEmail(
        'Exosomes in plain English',
        'Exosomes are like letters your cells send each other.',
      ),
      'why-pbme': mjmlEmail('Why the source matters', 'Not all exosome treatments are created equal.'),
    },
  };
}

interface SequenceState {
  name: string;
  versions: {
    version: string;
    publishedAt: string;
    publishedBy: string;
    draft: SequenceDraft;
    review?: Review;
    active: number;
  }[];
  draft?: { savedAt: string; savedBy: string; draft: SequenceDraft; review?: Review };
}

interface CodeGrant {
  challenge: string;
  clientId: string;
  redirectUri: string;
  user: User;
}

export interface FakeApi {
  url: string;
  requests: RecordedRequest[];
  leads: LeadSummary[];
  sequences: Map<string, SequenceState>;
  testSends: { sequenceId: string; stepId: string; to: string }[];
  /** The staff booking inbox, newest first; tests set its entries. */
  bookingInbox: BookingInboxItem[];
  /** What `/console/console-config.json` answers (the build writes none for these tests). */
  consoleConfig: ConsoleConfig;
  /** Back to the canned sequences (and no test sends), for tests that edit them. */
  resetSequences(): void;
  /** Every token stops working: the next call gets 401. */
  revokeTokens(): void;
  /** `expires_in` of the Hosted UI's tokens: the ID token stops working then too. */
  tokenLifetimeSeconds: number;
  /** Every refresh token issued so far is refused from now on (expired, revoked, user disabled). */
  refuseRefreshTokens(): void;
  /** The forms posted to `/oauth2/token` and `/oauth2/revoke`, in order. */
  oauthRequests: { path: string; form: Record<string, string> }[];
  /** The ID tokens the token endpoint issued, with the grant that got each. */
  idTokens: { token: string; grant: 'authorization_code' | 'refresh_token' }[];
  /** The query of every visit to `/logout`. */
  logouts: Record<string, string>[];
  /** Requests to a path (and method) so far. */
  calls(method: string, path: string | RegExp): RecordedRequest[];
  close(): Promise<void>;
}

export const COGNITO_CLIENT_ID = 'fake-client-id';
/** Never fetched: the console names Cognito's endpoints itself. */
export const COGNITO_ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_fake';

const base64UrlJson = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Field names as the real handler writes them: `definition.steps[0].delay`. */
function fieldsOf(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((issue) => ({
    field: issue.path
      .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
      .join(''),
    message: issue.message,
  }));
}

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new HttpError(400, 'validation', 'Some values need attention', { fields: fieldsOf(result.error) });
  }
  return result.data;
}

function review(reviewer: string, validUntil: string, now: number): Review {
  return {
    reviewer,
    reviewedAt: new Date(now).toISOString(),
    validUntil,
    expired: Date.parse(`${validUntil}T23:59:59Z`) < now,
  };
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function compile(template: string, source: string): Promise<{ html: string; problems: ContentProblem[] }> {
  try {
    const result = await mjml2html(source, { validationLevel: 'strict' });
    return { html: result.html, problems: [] };
  } catch (error) {
    const issues = (error as { errors?: { line: number; message: string }[] }).errors ?? [];
    return {
      html: `<!doctype html><html lang="en"><head><title>Not compiled</title></head><body><p>This email could not be compiled.</p></body></html>`,
      problems: issues.length
        ? issues.map((issue) => ({ where: `templates.${template} line ${issue.line}`, message: issue.message }))
        : [{ where: `templates.${template}`, message: 'mjml could not read this template' }],
    };
  }
}

/** What stops a draft being published (a subset of the real checks, enough for the console). */
async function contentProblems(draft: SequenceDraft): Promise<ContentProblem[]> {
  const problems: ContentProblem[] = [];
  for (const [index, step] of draft.definition.steps.entries()) {
    const subjects = [step.subject, ...step.variants.map((v) => v.subject)];
    subjects.forEach((subject, v) => {
      if (subject.length > 60) {
        problems.push({
          where: v === 0 ? `steps[${index}].subject` : `steps[${index}].variants[${v - 1}].subject`,
          message: 'subjects can be at most 60 characters',
        });
      }
    });
    const source = draft.templates[step.template];
    if (source === undefined) {
      problems.push({ where: `steps[${index}].template`, message: `no template "${step.template}"` });
      continue;
    }
    problems.push(...(await compile(step.template, source)).problems);
    if (!source.includes('{{unsubscribeUrl}}')) {
      problems.push({ where: `templates.${step.template}`, message: 'the unsubscribe link is missing' });
    }
  }
  return problems;
}

function fill(source: string): string {
  return source.replace(/\{\{\s*([a-zA-Z]+)(?:\|([^}]*))?\s*\}\}/g, (_, name: string, fallback?: string) => {
    const values: Record<string, string> = {
      firstName: 'Alex',
      bookingUrl: 'https://clinic.example/book',
      unsubscribeUrl: 'https://clinic.example/u/sample',
    };
    return values[name] ?? fallback ?? '';
  });
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(body === undefined ? '' : JSON.stringify(body));
}

export async function startFakeApi(options: { root: string; now?: number }): Promise<FakeApi> {
  const now = options.now ?? Date.now();
  const requests: RecordedRequest[] = [];
  const tokens = new Map<string, { user: User; expiresAt: number }>();
  const codes = new Map<string, CodeGrant>();
  const refreshTokens = new Map<string, { user: User; authTime: number }>();
  const leads = makeLeads(now);
  const timelines = new Map<string, LeadTimeline>();
  const testSends: FakeApi['testSends'] = [];
  const bookingInbox: BookingInboxItem[] = [];
  const sequences = new Map<string, SequenceState>();
  function resetSequences(): void {
    sequences.clear();
    testSends.length = 0;
    const published = initialDraft();
    sequences.set(SEQUENCE_ID, {
      name: published.definition.name,
      versions: ['1', '2', '3'].map((version, index) => ({
        version,
        publishedAt: new Date(now - (3 - index) * 30 * 86_400_000).toISOString(),
        publishedBy: 'admin',
        draft: published,
        // The published version's review ran out ten days ago.
        review: index === 2 ? review('Dr. Example Reviewer, MD', day(now - 10 * 86_400_000), now) : undefined,
        active: [12, 40, 230][index]!,
      })),
      draft: { savedAt: new Date(now - 86_400_000).toISOString(), savedBy: 'marketer', draft: initialDraft() },
    });
    const reminders = initialDraft();
    reminders.definition.id = 'booking-reminders';
    reminders.definition.name = 'Booking reminders';
    sequences.set('booking-reminders', {
      name: 'Booking reminders',
      versions: [
        {
          version: '1',
          publishedAt: new Date(now - 5 * 86_400_000).toISOString(),
          publishedBy: 'admin',
          draft: reminders,
          review: review('Dr. Example Reviewer, MD', day(now + 180 * 86_400_000), now),
          active: 8,
        },
      ],
    });
  }
  resetSequences();

  const fake: FakeApi = {
    url: '',
    requests,
    leads,
    sequences,
    testSends,
    bookingInbox,
    consoleConfig: { auth: { mode: 'local' } },
    revokeTokens: () => tokens.clear(),
    tokenLifetimeSeconds: 3600,
    refuseRefreshTokens: () => refreshTokens.clear(),
    oauthRequests: [],
    idTokens: [],
    logouts: [],
    resetSequences,
    calls: (method, path) =>
      requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path))),
    close: async () => undefined,
  };

  function issueToken(user: User): string {
    const token = `tok-${randomBytes(12).toString('hex')}`;
    tokens.set(token, { user, expiresAt: Date.now() + 3_600_000 });
    return token;
  }

  /**
   * Shaped like Cognito's ID token (the claims the console and the admin API read), but not
   * signed: the console does not check signatures (API Gateway does), and this API knows its
   * tokens by value.
   */
  function issueIdToken(user: User, authTime: number, grant: 'authorization_code' | 'refresh_token'): string {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: `sub-${user.username}`,
      aud: COGNITO_CLIENT_ID,
      iss: COGNITO_ISSUER,
      token_use: 'id',
      auth_time: authTime,
      iat: now,
      exp: now + fake.tokenLifetimeSeconds,
      jti: randomBytes(8).toString('hex'),
      email: user.email,
      'cognito:username': user.username,
      'cognito:groups': user.groups,
    };
    const token = `${base64UrlJson({ alg: 'RS256', kid: 'fake' })}.${base64UrlJson(claims)}.${randomBytes(32).toString('base64url')}`;
    tokens.set(token, { user, expiresAt: Date.now() + fake.tokenLifetimeSeconds * 1000 });
    fake.idTokens.push({ token, grant });
    return token;
  }

  function authenticate(request: IncomingMessage, needs?: 'admin'): User {
    const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '');
    const issued = match ? tokens.get(match[1]!) : undefined;
    const user = issued && issued.expiresAt > Date.now() ? issued.user : undefined;
    if (!user) throw new HttpError(401, 'unauthorized', 'Sign in to use the console');
    if (needs === 'admin' && !user.groups.includes('admin')) {
      throw new HttpError(403, 'forbidden', 'Only admins may do this');
    }
    return user;
  }

  function sequence(id: string): SequenceState {
    const found = sequences.get(id);
    if (!found) throw new HttpError(404, 'not_found', `No sequence "${id}"`);
    return found;
  }

  const latest = (state: SequenceState) => state.versions[state.versions.length - 1]!;

  function lead(id: string): LeadSummary {
    const found = leads.find((candidate) => candidate.leadId === id);
    if (!found) throw new HttpError(404, 'not_found', 'No such lead');
    return found;
  }

  function timeline(id: string): LeadTimeline {
    const summary = lead(id);
    let current = timelines.get(id);
    if (!current) {
      const created = Date.parse(summary.createdAt);
      const at = (hours: number) => new Date(created + hours * 3_600_000).toISOString();
      const events: TimelineEvent[] = [
        { at: at(0), kind: 'submission', title: 'Form submitted', detail: 'Landing page /' },
        { at: at(0), kind: 'consent', title: 'Consent recorded', detail: 'Consent text v1' },
        { at: at(0.1), kind: 'enrolled', title: 'Enrolled', sequenceId: SEQUENCE_ID },
        { at: at(0.2), kind: 'step-sent', title: 'Email sent: Welcome', sequenceId: SEQUENCE_ID, stepId: 'welcome' },
        { at: at(0.3), kind: 'delivered', title: 'Delivered', sequenceId: SEQUENCE_ID, stepId: 'welcome' },
        { at: at(2), kind: 'opened', title: 'Opened', sequenceId: SEQUENCE_ID, stepId: 'welcome' },
      ];
      current = {
        lead: { ...summary, timeZone: 'America/New_York', preferredContact: 'email' },
        enrolments: [
          {
            sequenceId: SEQUENCE_ID,
            sequenceVersion: '3',
            status: summary.status === 'active' ? 'active' : 'exited',
            stepIndex: 1,
            nextSendAt: summary.status === 'active' ? new Date(now + 2 * 86_400_000).toISOString() : undefined,
            exitReason: summary.status === 'active' ? undefined : summary.status,
          },
        ],
        events,
      };
      timelines.set(id, current);
    }
    return current;
  }

  function listLeads(body: unknown, me: string) {
    const q = parse(leadQuerySchema, body ?? {});
    const owner = q.owner === 'me' ? me : q.owner;
    const offset = q.cursor ? Number(JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8')).offset) : 0;
    const needle = q.q?.toLowerCase();
    const matches = (l: LeadSummary) =>
      (!needle || [l.firstName, l.lastName ?? '', l.email].some((value) => value.toLowerCase().includes(needle))) &&
      (!q.status || l.status === q.status) &&
      (!q.interest || l.interests.includes(q.interest)) &&
      (!q.source || l.source === q.source) &&
      (!q.from || l.createdAt.slice(0, 10) >= q.from) &&
      (!q.to || l.createdAt.slice(0, 10) <= q.to) &&
      (!q.pipelineStatus || (l.pipelineStatus ?? 'new') === q.pipelineStatus) &&
      (!owner || l.owner === owner) &&
      (q.openTask === undefined || (l.openTasks?.length ?? 0) > 0 === q.openTask);
    const items: LeadSummary[] = [];
    let index = offset;
    while (index < leads.length && items.length < q.limit) {
      if (matches(leads[index]!)) items.push(leads[index]!);
      index += 1;
    }
    const more = leads.slice(index).some(matches);
    return {
      items,
      scanned: index - offset,
      ...(more ? { nextCursor: Buffer.from(JSON.stringify({ offset: index })).toString('base64url') } : {}),
    };
  }

  function sequenceList(): SequenceListItem[] {
    return [...sequences.entries()].map(([sequenceId, state]) => ({
      sequenceId,
      name: state.name,
      publishedVersion: latest(state).version,
      publishedAt: latest(state).publishedAt,
      hasDraft: Boolean(state.draft),
      ...(latest(state).review ? { review: latest(state).review } : {}),
      enrolled: state.versions.filter((v) => v.active > 0).map((v) => ({ version: v.version, active: v.active })),
      unreviewedPinned: state.versions
        .filter((v) => v !== latest(state) && v.active > 0 && (!v.review || v.review.expired))
        .map((v) => ({
          version: v.version,
          active: v.active,
          ...(v.review ? { reviewExpiredOn: v.review.validUntil } : {}),
        })),
    }));
  }

  function sequenceDetail(sequenceId: string): SequenceDetail {
    const state = sequence(sequenceId);
    const head = latest(state);
    return {
      sequenceId,
      published: {
        version: head.version,
        publishedAt: head.publishedAt,
        publishedBy: head.publishedBy,
        draft: head.draft,
        review: head.review,
      },
      ...(state.draft ? { draft: state.draft } : {}),
      versions: state.versions.map(({ version, publishedAt, publishedBy, active }) => ({
        version,
        publishedAt,
        publishedBy,
        active,
      })),
    };
  }

  async function preview(sequenceId: string, body: unknown) {
    sequence(sequenceId);
    const input = parse(previewRequestSchema, body);
    const index = input.draft.definition.steps.findIndex((s) => s.id === input.stepId);
    const step = input.draft.definition.steps[index];
    if (!step) throw new HttpError(400, 'validation', `No step "${input.stepId}" in the draft`);
    const variant = input.variantId ? step.variants.find((v) => v.id === input.variantId) : undefined;
    const subject = variant?.subject ?? step.subject;
    const source = input.draft.templates[step.template] ?? '';
    const compiled = await compile(step.template, source);
    const problems = [...compiled.problems];
    if (subject.length > 60)
      problems.push({ where: `steps[${index}].subject`, message: 'subjects can be at most 60 characters' });
    if (!source.includes('{{unsubscribeUrl}}')) {
      problems.push({ where: `templates.${step.template}`, message: 'the unsubscribe link is missing' });
    }
    const html = fill(compiled.html);
    const text = fill(
      source
        .replace(/<[^>]+>/g, ' ')
        .replace(/[ \t]+/g, ' ')
        .replace(/\n\s*\n+/g, '\n')
        .trim(),
    );
    return { subject: fill(subject), html, text, problems };
  }

  function simulate(body: unknown): SimulatedSend[] {
    const input = parse(simulateSchema, body);
    const state = sequence(input.sequenceId);
    const definition =
      input.version === 'draft'
        ? (state.draft?.draft ?? latest(state).draft).definition
        : state.versions.find((v) => v.version === input.version)?.draft.definition;
    if (!definition) throw new HttpError(404, 'not_found', `No version "${input.version}"`);
    const timeZone = input.leadId
      ? (timeline(input.leadId).lead.timeZone ?? 'America/New_York')
      : (input.timeZone ?? 'America/New_York');
    const start = input.start ? new Date(input.start) : new Date(now);
    return planJourney({ start, steps: definition.steps, window: definition.sendWindow, timeZone }).map((send) => {
      const step = definition.steps.find((s) => s.id === send.stepId)!;
      return {
        stepId: send.stepId,
        subject: step.subject,
        variants: [{ id: 'a', subject: step.subject }, ...step.variants.map(({ id, subject }) => ({ id, subject }))],
        atSignUp: false,
        outsideWindow: false,
        sendAt: send.sendAt.toISOString(),
        localTime: localTime(send.sendAt, timeZone),
        timeZone,
      };
    });
  }

  function results(query: Record<string, string>): Results {
    const input = parse(resultsQuerySchema, query);
    sequence(input.sequenceId);
    const figures = (sent: number): StepFigures => ({
      sent,
      delivered: Math.round(sent * 0.96),
      opened: Math.round(sent * 0.52),
      clicked: Math.round(sent * 0.11),
      booked: Math.round(sent * 0.04),
      cancelled: Math.round(sent * 0.005),
      unsubscribed: Math.round(sent * 0.01),
      bounced: Math.round(sent * 0.031),
      complained: 0,
    });
    // The totals are the sum of the paths' figures, as the real API's are.
    const row = (
      stepId: string,
      variant: string,
      subject: string,
      paths: Record<string, number> | number,
    ): StepResult => {
      const split = Object.entries(typeof paths === 'number' ? { general: paths } : paths).map(([path, sent]) => ({
        path,
        ...figures(sent),
      }));
      const totals = figures(0);
      for (const path of split)
        for (const key of Object.keys(totals) as (keyof StepFigures)[]) totals[key] += path[key];
      return { stepId, variant, subject, ...totals, paths: split };
    };
    return {
      sequenceId: input.sequenceId,
      from: input.from,
      to: input.to,
      steps: [
        row('welcome', 'a', 'Welcome: what to expect from us this month', 1000),
        row('exosomes-explained', 'a', 'Exosomes in plain English: letters between cells', 400),
        row('exosomes-explained', 'b', 'What exactly are exosomes? A plain-English answer', 380),
        {
          ...row('why-pbme', 'a', 'Why the source of exosomes matters: PBME Topical', {
            'hair-restoration': 400,
            general: 250,
            'before-paths': 50,
          }),
          when: { topics: ['hair-restoration'], general: true },
        },
      ],
      rates: { bounceRate: 0.031, complaintRate: 0.0002, bounceAlarm: 0.025, complaintAlarm: 0.0005 },
    };
  }

  function importCsv(body: unknown): ImportReport {
    const input = parse(importSchema, body);
    const [header = [], ...rows] = parseCsv(input.csv.replace(/^\uFEFF/, ''));
    const columns = header.map((name) => name.trim().toLowerCase());
    for (const required of ['email', 'first_name', 'consent_source', 'consent_date']) {
      if (!columns.includes(required)) throw new HttpError(400, 'validation', `The header lacks "${required}"`);
    }
    const known = new Set(leads.map((l) => l.email.toLowerCase()));
    const seen = new Set<string>();
    const report: ImportReport = { rows: rows.length, accepted: 0, duplicates: 0, refused: [] };
    const accepted: LeadSummary[] = [];
    rows.forEach((cells, index) => {
      const value = (name: string) => (cells[columns.indexOf(name)] ?? '').trim();
      const rowNumber = index + 2;
      const email = value('email').toLowerCase();
      const date = value('consent_date');
      let reason: string | undefined;
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) reason = 'email is not a valid address';
      else if (!value('first_name')) reason = 'first_name is empty';
      else if (!value('consent_source')) reason = 'consent_source is empty';
      else if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date)))
        reason = 'consent_date is not a date (YYYY-MM-DD)';
      else if (Date.parse(date) > now) reason = 'consent_date is in the future';
      if (reason) {
        report.refused.push({ row: rowNumber, reason });
        return;
      }
      if (known.has(email) || seen.has(email)) {
        report.duplicates += 1;
        return;
      }
      seen.add(email);
      report.accepted += 1;
      accepted.push({
        leadId: `imported-${createHash('sha256').update(email).digest('hex').slice(0, 12)}`,
        firstName: value('first_name'),
        lastName: value('last_name') || undefined,
        email,
        status: 'active',
        interests: [],
        source: 'import',
        createdAt: new Date(now).toISOString(),
        submissionCount: 1,
        progress: '0 of 7',
      });
    });
    if (report.accepted > 0) {
      report.lastFirstEmailAt = new Date(now + 60_000 + Math.ceil(report.accepted / 10) * 1000).toISOString();
    }
    if (!input.dryRun) leads.unshift(...accepted);
    return report;
  }

  async function api(request: IncomingMessage, path: string, query: Record<string, string>, body: unknown) {
    const method = request.method ?? 'GET';
    const route = `${method} ${path}`;
    let match: RegExpExecArray | null;
    if (route === 'POST /login') {
      const input = parse(localLoginSchema, body);
      const user = Object.values(USERS).find((u) => u.username === input.username && u.password === input.password);
      if (!user) throw new HttpError(401, 'unauthorized', 'Wrong username or password');
      return {
        status: 200,
        body: {
          token: issueToken(user),
          expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
          user: { username: user.username, email: user.email, groups: user.groups, now: new Date().toISOString() },
        },
      };
    }
    const user = authenticate(request);
    const me: Me = {
      username: user.username,
      email: user.email,
      groups: user.groups as Group[],
      now: new Date().toISOString(),
    };
    if (route === 'GET /me') return { status: 200, body: me };
    if (route === 'POST /leads/search') return { status: 200, body: listLeads(body, user.username) };
    match = /^GET \/leads\/([^/]+)$/.exec(route);
    if (match) return { status: 200, body: timeline(match[1]!) };
    match = /^GET \/leads\/([^/]+)\/export$/.exec(route);
    if (match) {
      const current = timeline(match[1]!);
      return {
        status: 200,
        body: {
          exportedAt: new Date(now).toISOString(),
          leadId: match[1]!,
          items: [current.lead, ...current.enrolments],
        },
      };
    }
    match = /^POST \/leads\/([^/]+)\/booked$/.exec(route);
    if (match) {
      if (body !== undefined) throw new HttpError(400, 'validation', 'No body expected');
      const current = timeline(match[1]!);
      current.lead.status = 'booked';
      lead(match[1]!).status = 'booked';
      for (const enrolment of current.enrolments) {
        enrolment.status = 'exited';
        enrolment.exitReason = 'booked';
        enrolment.nextSendAt = undefined;
      }
      current.events.push({ at: new Date().toISOString(), kind: 'booked', title: 'Marked booked by staff' });
      return { status: 200, body: { ok: true } };
    }
    match = /^POST \/leads\/([^/]+)\/pipeline$/.exec(route);
    if (match) {
      const change = parse(pipelineUpdateSchema, body);
      const current = timeline(match[1]!);
      const summary = lead(match[1]!);
      for (const target of [current.lead, summary]) {
        if (change.status) target.pipelineStatus = change.status;
        if (change.owner === null) delete target.owner;
        else if (change.owner) target.owner = change.owner;
      }
      current.events.push({
        at: new Date().toISOString(),
        kind: 'follow-up',
        title: `Follow-up changed by ${user.username}`,
      });
      return { status: 200, body: { status: 'updated', leadId: match[1]! } };
    }
    match = /^POST \/leads\/([^/]+)\/tasks\/([^/]+)\/done$/.exec(route);
    if (match) {
      const current = timeline(match[1]!);
      const open = current.lead.openTasks ?? [];
      if (!open.some((task) => task.taskId === match![2])) {
        throw new HttpError(404, 'not_found', 'That task is not open for this lead');
      }
      const remaining = open.filter((task) => task.taskId !== match![2]);
      current.lead.openTasks = remaining;
      lead(match[1]!).openTasks = remaining;
      return { status: 200, body: { status: 'done', leadId: match[1]!, taskId: match[2]! } };
    }
    match = /^POST \/leads\/([^/]+)\/stop$/.exec(route);
    if (match) {
      const input = parse(stopSequenceSchema, body);
      const current = timeline(match[1]!);
      const enrolment = current.enrolments.find((e) => e.sequenceId === input.sequenceId);
      if (!enrolment) throw new HttpError(404, 'not_found', 'Not enrolled in that sequence');
      enrolment.status = 'exited';
      enrolment.exitReason = 'stopped by staff';
      enrolment.nextSendAt = undefined;
      current.events.push({
        at: new Date().toISOString(),
        kind: 'exited',
        title: 'Sequence stopped by staff',
        sequenceId: input.sequenceId,
      });
      return { status: 200, body: { ok: true } };
    }
    match = /^DELETE \/leads\/([^/]+)$/.exec(route);
    if (match) {
      authenticate(request, 'admin');
      lead(match[1]!);
      leads.splice(
        leads.findIndex((l) => l.leadId === match![1]),
        1,
      );
      timelines.delete(match[1]!);
      return { status: 204, body: undefined };
    }
    if (route === 'GET /sequences') return { status: 200, body: sequenceList() };
    match = /^GET \/sequences\/([^/]+)$/.exec(route);
    if (match) return { status: 200, body: sequenceDetail(match[1]!) };
    match = /^PUT \/sequences\/([^/]+)\/draft$/.exec(route);
    if (match) {
      const state = sequence(match[1]!);
      const draft = parse(sequenceDraftSchema, body);
      const savedAt = new Date().toISOString();
      // A changed draft needs its clinical review again.
      state.draft = { savedAt, savedBy: user.username, draft };
      return {
        status: 200,
        body: { savedAt, problems: await contentProblems(draft), checks: ['strict MJML', 'a current clinical review'] },
      };
    }
    match = /^POST \/sequences\/([^/]+)\/preview$/.exec(route);
    if (match) return { status: 200, body: await preview(match[1]!, body) };
    match = /^POST \/sequences\/([^/]+)\/test-send$/.exec(route);
    if (match) {
      const state = sequence(match[1]!);
      const input = parse(testSendSchema, body);
      const draft = state.draft?.draft ?? latest(state).draft;
      if (!draft.definition.steps.some((s) => s.id === input.stepId))
        throw new HttpError(400, 'validation', 'No such step in the draft');
      testSends.push({ sequenceId: match[1]!, stepId: input.stepId, to: user.email });
      return { status: 202, body: { ok: true } };
    }
    match = /^POST \/sequences\/([^/]+)\/review$/.exec(route);
    if (match) {
      authenticate(request, 'admin');
      const state = sequence(match[1]!);
      const input = parse(reviewSchema, body);
      state.draft ??= { savedAt: new Date().toISOString(), savedBy: user.username, draft: latest(state).draft };
      state.draft.review = review(input.reviewer, input.validUntil, now);
      return { status: 200, body: { ok: true } };
    }
    match = /^POST \/sequences\/([^/]+)\/publish$/.exec(route);
    if (match) {
      const state = sequence(match[1]!);
      if (!state.draft) throw new HttpError(409, 'no_draft', 'There is no draft to publish');
      const problems = await contentProblems(state.draft.draft);
      if (!state.draft.review || state.draft.review.expired) {
        problems.push({ where: 'review', message: 'publishing needs a current clinical review of this draft' });
      }
      if (problems.length > 0) {
        throw new HttpError(400, 'publish_refused', 'This draft cannot be published', { problems });
      }
      const version = String(state.versions.length + 1);
      const publishedAt = new Date().toISOString();
      state.versions.push({
        version,
        publishedAt,
        publishedBy: user.username,
        draft: state.draft.draft,
        review: state.draft.review,
        active: 0,
      });
      state.draft = undefined;
      return { status: 201, body: { version, publishedAt } };
    }
    match = /^POST \/sequences\/([^/]+)\/migrate$/.exec(route);
    if (match) {
      const state = sequence(match[1]!);
      const input = parse(migrateSchema, body);
      const from = state.versions.find((v) => v.version === input.fromVersion);
      const to = state.versions.find((v) => v.version === input.toVersion);
      if (!from || !to) throw new HttpError(404, 'not_found', 'No such version');
      const preview = {
        leads: from.active,
        changes: ['Step "why-pbme": subject reworded', 'Step "meet-the-surgeon": added, 5 days after "why-pbme"'],
      };
      if (input.dryRun) return { status: 200, body: preview };
      const moved = from.active;
      to.active += moved;
      from.active = 0;
      return { status: 200, body: { ...preview, moved } };
    }
    if (route === 'GET /bookings/inbox') return { status: 200, body: { entries: bookingInbox } };
    match = /^DELETE \/bookings\/inbox\/([^/]+)$/.exec(route);
    if (match) {
      const index = bookingInbox.findIndex((entry) => entry.entryId === decodeURIComponent(match![1]!));
      if (index < 0) throw new HttpError(404, 'not_found', 'No booking inbox entry with that id');
      bookingInbox.splice(index, 1);
      return { status: 200, body: { deleted: true, entryId: decodeURIComponent(match[1]!) } };
    }
    if (route === 'POST /simulate') return { status: 200, body: simulate(body) };
    if (route === 'GET /results') return { status: 200, body: results(query) };
    if (route === 'POST /imports') {
      authenticate(request, 'admin');
      return { status: 200, body: importCsv(body) };
    }
    throw new HttpError(404, 'not_found', `No route ${route}`);
  }

  function hostedUi(request: IncomingMessage, response: ServerResponse, url: URL, body: string): boolean {
    if (request.method === 'GET' && url.pathname === '/oauth2/authorize') {
      const p = url.searchParams;
      if (
        p.get('client_id') !== COGNITO_CLIENT_ID ||
        p.get('response_type') !== 'code' ||
        p.get('code_challenge_method') !== 'S256'
      ) {
        json(response, 400, { error: 'invalid_request' });
        return true;
      }
      // The hosted page would ask for a password here; the fake signs in the admin at once.
      const code = randomBytes(8).toString('hex');
      codes.set(code, {
        challenge: p.get('code_challenge')!,
        clientId: p.get('client_id')!,
        redirectUri: p.get('redirect_uri')!,
        user: USERS.admin,
      });
      const back = new URL(p.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', p.get('state') ?? '');
      response.writeHead(302, { location: back.href });
      response.end();
      return true;
    }
    if (request.method === 'POST' && (url.pathname === '/oauth2/token' || url.pathname === '/oauth2/revoke')) {
      const form = new URLSearchParams(body);
      fake.oauthRequests.push({ path: url.pathname, form: Object.fromEntries(form) });
      if (form.get('client_id') !== COGNITO_CLIENT_ID) {
        json(response, 400, { error: 'invalid_client' });
        return true;
      }
      if (url.pathname === '/oauth2/revoke') {
        refreshTokens.delete(form.get('token') ?? '');
        json(response, 200, undefined);
        return true;
      }
      if (form.get('grant_type') === 'refresh_token') {
        const session = refreshTokens.get(form.get('refresh_token') ?? '');
        if (!session) {
          json(response, 400, { error: 'invalid_grant', error_description: 'Refresh Token has expired' });
          return true;
        }
        // Like Cognito without rotation: new ID and access tokens, and no new refresh token.
        json(response, 200, {
          id_token: issueIdToken(session.user, session.authTime, 'refresh_token'),
          access_token: `opaque-access-${randomBytes(8).toString('hex')}`,
          token_type: 'Bearer',
          expires_in: fake.tokenLifetimeSeconds,
        });
        return true;
      }
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const challenge = createHash('sha256')
        .update(form.get('code_verifier') ?? '')
        .digest('base64url');
      if (
        !grant ||
        form.get('grant_type') !== 'authorization_code' ||
        form.get('client_id') !== grant.clientId ||
        form.get('redirect_uri') !== grant.redirectUri ||
        challenge !== grant.challenge
      ) {
        json(response, 400, { error: 'invalid_grant' });
        return true;
      }
      const refreshToken = randomBytes(24).toString('base64url');
      const authTime = Math.floor(Date.now() / 1000);
      refreshTokens.set(refreshToken, { user: grant.user, authTime });
      // Like Cognito: the ID token names the user (email, groups); the access token does not.
      json(response, 200, {
        id_token: issueIdToken(grant.user, authTime, 'authorization_code'),
        access_token: `opaque-access-${randomBytes(8).toString('hex')}`,
        refresh_token: refreshToken,
        token_type: 'Bearer',
        expires_in: fake.tokenLifetimeSeconds,
      });
      return true;
    }
    if (request.method === 'GET' && url.pathname === '/logout') {
      fake.logouts.push(Object.fromEntries(url.searchParams));
      // Cognito's /logout needs the client and a logout URL registered for it (here: the console's).
      const back = url.searchParams.get('logout_uri');
      if (url.searchParams.get('client_id') !== COGNITO_CLIENT_ID || back !== `${fake.url}/console/`) {
        json(response, 400, { error: 'invalid_request' });
        return true;
      }
      response.writeHead(302, { location: back });
      response.end();
      return true;
    }
    return false;
  }

  const server = createServer((request, response) => {
    const handle = async () => {
      const url = new URL(request.url ?? '/', 'http://fake');
      const raw = await readBody(request);
      if (hostedUi(request, response, url, raw)) return;
      if (url.pathname.startsWith(`${ADMIN_API_PREFIX}/`)) {
        const path = url.pathname.slice(ADMIN_API_PREFIX.length);
        const query = Object.fromEntries(url.searchParams);
        let body: unknown;
        try {
          body = raw ? JSON.parse(raw) : undefined;
        } catch {
          return json(response, 400, { error: 'malformed', message: 'The request body is not valid JSON' });
        }
        requests.push({
          method: request.method ?? 'GET',
          path,
          query,
          body,
          authorization: request.headers.authorization,
        });
        try {
          const result = await api(request, path, query, body);
          return json(response, result.status, result.body);
        } catch (error) {
          if (error instanceof HttpError) {
            return json(response, error.status, { error: error.code, message: error.message, ...error.extra });
          }
          return json(response, 500, {
            error: 'internal',
            message: 'Something went wrong on our side. Please try again.',
          });
        }
      }
      if (request.method === 'GET' && url.pathname === '/console/console-config.json') {
        return json(response, 200, fake.consoleConfig);
      }
      const file =
        request.method === 'GET' || request.method === 'HEAD'
          ? await readStaticFile(options.root, request.url ?? '/')
          : undefined;
      if (!file) {
        response.writeHead(404, { 'content-type': 'text/plain' });
        return response.end('Not found');
      }
      response.writeHead(file.status, file.headers);
      response.end(request.method === 'HEAD' ? undefined : file.body);
    };
    handle().catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  return fake;
}
