import { type ContentProblem, type SequenceDraft, sequenceDraftSchema } from '../sequence/draft';

// The console reads these as part of the API contract; the sequence module owns them.
export { type ContentProblem, type SequenceDraft, sequenceDraftSchema } from '../sequence/draft';

/**
 * The marketing console's API: what the browser sends (zod, validated on the server) and what
 * it gets back (types). Both the admin handlers and web/console build against this file.
 *
 * All routes live under /admin/api and need a bearer JWT: Cognito's in AWS (checked by the
 * API Gateway JWT authorizer), a locally signed one in the local stack. No or a bad token → 401;
 * a token without the right group → 403. Errors use the same body as the public API:
 * `{ error: string, message: string, fields?: { field, message }[] }`.
 */
import * as z from 'zod';
import type { BookingInboxItem } from '../booking/ports';
import { PIPELINE_STATUSES, type TASK_IDS } from '../follow-up/follow-up';
import { INTEREST_IDS } from '../lead/interests';
import type { EngagementBranch, StepCondition } from '../sequence/paths';

export type { BookingInboxItem } from '../booking/ports';
export { PIPELINE_STATUSES, TASK_IDS } from '../follow-up/follow-up';

export const ADMIN_API_PREFIX = '/admin/api';

/** Cognito groups (and the local users' groups). */
export const GROUPS = ['marketing', 'admin'] as const;
export type Group = (typeof GROUPS)[number];

/** Who may call what: everything needs one of these groups; `admin` alone may do the rest. */
export const ADMIN_ONLY = ['erase-lead', 'import', 'record-review'] as const;

// ---------- Session ----------

/** POST /admin/api/login: local stack only (AWS uses Cognito's hosted login). */
export const localLoginSchema = z.strictObject({
  username: z.string().min(1).max(254),
  password: z.string().min(1).max(200),
});
export interface LoginResponse {
  token: string;
  expiresAt: string;
  user: Me;
}
/** GET /admin/api/me */
export interface Me {
  username: string;
  email: string;
  groups: Group[];
  /**
   * The server's clock (ISO 8601). In AWS it is the real time; the local stack's can be moved
   * forward (`npm run drip -- advance`), and the console's defaults ("today") follow it.
   */
  now: string;
}

// ---------- Leads ----------

export const LEAD_STATUSES = [
  'active',
  'pending-confirmation',
  'booked',
  'unsubscribed',
  'bounced',
  'complained',
] as const;

/**
 * POST /admin/api/leads/search with this as the JSON body: newest first, one page at a time.
 * A body, not a query string, because a search holds names and email addresses.
 */
export const leadQuerySchema = z.strictObject({
  /** Matches first name, last name or email (case-insensitive, substring). */
  q: z.string().trim().max(100).optional(),
  status: z.enum(LEAD_STATUSES).optional(),
  interest: z.enum(INTEREST_IDS).optional(),
  /** utm_source as recorded on the lead's first submission; "direct" for none. */
  source: z.string().trim().max(100).optional(),
  /** Created on or after / before (YYYY-MM-DD, practice time zone ignored: UTC days). */
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** Staff follow-up: pipeline status, owner ("me" for the signed-in user), open task. */
  pipelineStatus: z.enum(PIPELINE_STATUSES).optional(),
  owner: z.string().trim().min(1).max(254).optional(),
  openTask: z.boolean().optional(),
  /** Order of the rows within a page (pages themselves stay newest first). */
  sort: z.enum(['newest', 'pipeline-status', 'owner', 'open-task']).default('newest'),
});
export type LeadQuery = z.infer<typeof leadQuerySchema>;

export interface LeadSummary {
  leadId: string;
  firstName: string;
  lastName?: string;
  email: string;
  phone?: string;
  status: (typeof LEAD_STATUSES)[number];
  interests: string[];
  source: string;
  createdAt: string;
  submissionCount: number;
  /** Sequence progress of the default sequence: "3 of 7", "completed", "exited: unsubscribed". */
  progress: string;
  /** Staff follow-up (absent from servers older than it): `new` until staff change it. */
  pipelineStatus?: (typeof PIPELINE_STATUSES)[number];
  owner?: string;
  openTasks?: { taskId: (typeof TASK_IDS)[number]; title: string; openedAt: string }[];
  /** When the lead clicked the booking link and had not booked by the sequence's wait: staff were alerted. */
  hotLeadAt?: string;
}
export interface LeadPage {
  items: LeadSummary[];
  nextCursor?: string;
  /** How many leads were examined for this page (the console shows progress for exports). */
  scanned: number;
}

/** GET /admin/api/leads/{leadId} */
export interface TimelineEvent {
  at: string;
  kind:
    | 'submission'
    | 'consent'
    | 'consent-confirmed'
    | 'capture-email'
    | 'enrolled'
    | 'step-scheduled'
    | 'step-sent'
    | 'step-skipped'
    | 'step-failed'
    | 'delivered'
    | 'opened'
    | 'clicked'
    | 'bounced'
    | 'complained'
    | 'unsubscribed'
    | 'booked'
    | 'exited'
    | 'completed'
    | 'reply'
    | 'auto-reply'
    | 'paused'
    | 'follow-up';
  title: string;
  detail?: string;
  sequenceId?: string;
  stepId?: string;
}
export interface LeadTimeline {
  lead: LeadSummary & { timeZone?: string; preferredContact: string };
  enrolments: {
    sequenceId: string;
    sequenceVersion: string;
    status: string;
    stepIndex: number;
    nextSendAt?: string;
    exitReason?: string;
  }[];
  suppressed?: string;
  events: TimelineEvent[];
}

/** POST /admin/api/leads/{leadId}/booked, POST …/stop (marketing), DELETE /admin/api/leads/{leadId} (admin). */
export const stopSequenceSchema = z.strictObject({ sequenceId: z.string().min(1).max(64) });
/**
 * POST /admin/api/leads/{leadId}/pipeline: pipeline status, owner (null: nobody) and a note;
 * each change goes on the timeline with who made it and when.
 */
export const pipelineUpdateSchema = z
  .strictObject({
    status: z.enum(PIPELINE_STATUSES).optional(),
    owner: z.string().trim().min(1).max(254).nullable().optional(),
    note: z.string().trim().min(1).max(2000).optional(),
  })
  .refine((body) => body.status !== undefined || body.owner !== undefined || body.note !== undefined, {
    error: 'Send a status, an owner or a note',
    path: ['status'],
  });
/** POST /admin/api/leads/{leadId}/tasks/{taskId}/done */
export const TASK_ID_PATTERN = /^(contact|reply|hot-lead)$/;

/**
 * GET /admin/api/bookings/inbox: Calendly and Acuity bookings for addresses that are not leads,
 * and cancellations left to staff, newest first. DELETE /admin/api/bookings/inbox/{entryId}
 * removes one staff have dealt with.
 */
export interface BookingInbox {
  entries: BookingInboxItem[];
}

/** GET /admin/api/leads/{leadId}/export: everything held about the person (GDPR access), as JSON. */
export interface LeadExport {
  exportedAt: string;
  leadId: string;
  items: Record<string, unknown>[];
}

// ---------- Sequences ----------

/** GET /admin/api/sequences */
export interface SequenceListItem {
  sequenceId: string;
  name: string;
  publishedVersion: string;
  publishedAt?: string;
  hasDraft: boolean;
  review?: Review;
  enrolled: { version: string; active: number }[];
  /**
   * Older versions leads are still on (they keep receiving them) whose clinical review has run
   * out (`reviewExpiredOn`) or was never recorded.
   */
  unreviewedPinned: { version: string; active: number; reviewExpiredOn?: string }[];
}
export interface Review {
  reviewer: string;
  reviewedAt: string;
  validUntil: string;
  expired: boolean;
}

/** GET /admin/api/sequences/{id} */
export interface SequenceDetail {
  sequenceId: string;
  published: { version: string; publishedAt?: string; publishedBy?: string; draft: SequenceDraft; review?: Review };
  draft?: { savedAt: string; savedBy: string; draft: SequenceDraft; review?: Review };
  /** Each version's clinical review; none for a version shipped with a deploy and never reviewed. */
  versions: { version: string; publishedAt?: string; publishedBy?: string; active: number; review?: Review }[];
}

/** PUT /admin/api/sequences/{id}/draft → 200 with problems (saved anyway) or 400 on a bad shape. */
export interface DraftSaved {
  savedAt: string;
  /** What would stop it being published: every rule a publish checks, the clinical review included. */
  problems: ContentProblem[];
  /** The rules a publish checks, in words. */
  checks: string[];
}

/** POST /admin/api/sequences/{id}/preview: one email of a draft, rendered with sample data. */
export const previewRequestSchema = z.strictObject({
  draft: sequenceDraftSchema,
  stepId: z.string().min(1).max(64),
  variantId: z.string().max(64).optional(),
});
export interface PreviewResponse {
  subject: string;
  html: string;
  text: string;
  problems: ContentProblem[];
}

/** POST /admin/api/sequences/{id}/test-send: the draft's step to the signed-in user's own address. */
export const testSendSchema = z.strictObject({ stepId: z.string().min(1).max(64) });

/** POST /admin/api/sequences/{id}/review (admin): clinical sign-off of the current draft. */
export const reviewSchema = z.strictObject({
  reviewer: z.string().trim().min(3).max(120),
  validUntil: z.iso.date(),
});

/** POST /admin/api/sequences/{id}/publish → 201 { version } or 400 { problems }. */
export interface Published {
  version: string;
  publishedAt: string;
}

/** POST /admin/api/sequences/{id}/migrate (dryRun true first): move pinned leads to another version. */
export const migrateSchema = z.strictObject({
  fromVersion: z.string().min(1).max(64),
  toVersion: z.string().min(1).max(64),
  dryRun: z.boolean().default(true),
});
export interface MigrationPreview {
  leads: number;
  /** What changes for them, step by step (steps added, removed, retimed, reworded). */
  changes: string[];
  moved?: number;
}

// ---------- Simulator ----------

/**
 * What a sample lead does with its emails. `opens`: opens each email as it arrives.
 * `booking-click`: clicks the booking link in the first email, does not book, and opens the rest.
 * `nothing`: never opens or clicks.
 */
export const SAMPLE_BEHAVIOURS = ['opens', 'booking-click', 'nothing'] as const;
export type SampleBehaviour = (typeof SAMPLE_BEHAVIOURS)[number];

/** POST /admin/api/simulate */
export const simulateSchema = z.strictObject({
  sequenceId: z.string().min(1).max(64),
  /** A published version, or "draft". */
  version: z.string().min(1).max(64),
  leadId: z.string().max(64).optional(),
  timeZone: z.string().max(64).optional(),
  /** When the lead signs up (ISO date-time); default now. */
  start: z.iso.datetime({ offset: true }).optional(),
  /** Sample topics (the path of a lead who chose them); default: a real lead's, or none (the general path). */
  topics: z
    .array(z.enum(INTEREST_IDS, { error: `use one of: ${INTEREST_IDS.join(', ')}` }))
    .max(10)
    .optional(),
  /** A sample lead's behaviour: the branches it takes follow from it (a sample lead only). */
  behaviour: z.enum(SAMPLE_BEHAVIOURS, { error: `use one of: ${SAMPLE_BEHAVIOURS.join(', ')}` }).optional(),
});
export interface SimulatedSend {
  stepId: string;
  /** Variant a's subject. */
  subject: string;
  /** Every subject of the step, A/B variants included (variant a first). */
  variants: { id: string; subject: string }[];
  /**
   * The first email goes out as soon as the lead is enrolled, not moved into the send window;
   * `outsideWindow` says when that moment is outside it.
   */
  atSignUp: boolean;
  outsideWindow: boolean;
  sendAt: string;
  /** e.g. "Tue 3 Mar 2026, 09:00 EST" in the lead's zone. */
  localTime: string;
  timeZone: string;
  /** Sent out of turn by this engagement branch (a sample behaviour's path). */
  branch?: EngagementBranch;
  /** Staff get the hot-lead alert at this email's turn. */
  hotLead?: boolean;
  /** Nothing opened or clicked after this email: the enrolment ends as `sunset` then, unsubscribed by no one. */
  sunset?: { sendAt: string; localTime: string };
}

// ---------- Results ----------

/** GET /admin/api/results?sequenceId=&from=&to= */
export const resultsQuerySchema = z.strictObject({
  sequenceId: z.string().min(1).max(64),
  from: z.iso.date(),
  to: z.iso.date(),
});
/** A step's counters (per variant, or per path of a variant). */
export interface StepFigures {
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  booked: number;
  /** Bookings credited to the step and later cancelled in the scheduling tool. */
  cancelled: number;
  unsubscribed: number;
  bounced: number;
  complained: number;
}
/** One path's share of a step variant's figures. */
export interface PathFigures extends StepFigures {
  /** The sequence's topics the leads chose, joined by `_` (see `pathKey`), `general`, or `before-paths`. */
  path: string;
}
export interface StepResult extends StepFigures {
  stepId: string;
  variant: string;
  subject: string;
  /** The variant's figures split by the leads' paths (they add up to the totals above), most sent first. */
  paths: PathFigures[];
  /**
   * Who the step goes to (its topics, the general path, its engagement branch), as in the newest
   * version that has it: a branch step's figures are that branch's, a topic step's its path's.
   */
  when?: StepCondition;
}
export interface Results {
  sequenceId: string;
  from: string;
  to: string;
  steps: StepResult[];
  /** SES reviews an account at 5% bounces and 0.1% complaints; we alarm at half of each. */
  rates: { bounceRate: number; complaintRate: number; bounceAlarm: number; complaintAlarm: number };
}

// ---------- Import ----------

/** POST /admin/api/imports (admin) with `dryRun: true` first. CSV columns below, header row required. */
export const IMPORT_COLUMNS = {
  required: ['email', 'first_name', 'consent_source', 'consent_date'],
  optional: ['last_name', 'phone', 'interests', 'time_zone'],
} as const;
export const importSchema = z.strictObject({
  csv: z.string().min(1).max(5_000_000),
  dryRun: z.boolean().default(true),
});
export interface ImportReport {
  rows: number;
  accepted: number;
  duplicates: number;
  refused: { row: number; reason: string }[];
  /** When the last imported lead's first email will go out (staggered under the SES send rate). */
  lastFirstEmailAt?: string;
}
