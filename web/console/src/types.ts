/**
 * The contract's types for the browser. Only types come from functions/admin/contract.ts (it
 * pulls in zod); the few value lists the console needs are repeated here and checked against
 * the contract at compile time, so a change on either side fails `tsc` instead of drifting.
 */
import type {
  IMPORT_COLUMNS as CONTRACT_IMPORT_COLUMNS,
  LEAD_STATUSES,
  PIPELINE_STATUSES,
} from '../../../functions/admin/contract';
import type { WEEKDAYS } from '../../../functions/sequence/definition';

export type {
  BookingInbox,
  BookingInboxItem,
  ContentProblem,
  DraftSaved,
  Group,
  ImportReport,
  LeadExport,
  LeadPage,
  LeadQuery,
  LeadSummary,
  LeadTimeline,
  LoginResponse,
  Me,
  MigrationPreview,
  PreviewResponse,
  Published,
  Results,
  Review,
  SequenceDetail,
  SequenceDraft,
  SequenceListItem,
  SimulatedSend,
  StepResult,
  TimelineEvent,
} from '../../../functions/admin/contract';

export type LeadStatus = (typeof LEAD_STATUSES)[number];
export type Weekday = (typeof WEEKDAYS)[number];
export type PipelineStatus = (typeof PIPELINE_STATUSES)[number];

type SameMembers<A, B> = [Exclude<A, B>, Exclude<B, A>] extends [never, never] ? true : false;

export const LEAD_STATUS_LIST = [
  'active',
  'pending-confirmation',
  'booked',
  'unsubscribed',
  'bounced',
  'complained',
] as const satisfies readonly LeadStatus[];
export const IMPORT_COLUMNS = {
  required: ['email', 'first_name', 'consent_source', 'consent_date'],
  optional: ['last_name', 'phone', 'interests', 'time_zone'],
} as const satisfies typeof CONTRACT_IMPORT_COLUMNS;
export const WEEKDAY_LIST = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const satisfies readonly Weekday[];

export const CONTRACT_LISTS_MATCH: [
  SameMembers<LeadStatus, (typeof LEAD_STATUS_LIST)[number]>,
  SameMembers<Weekday, (typeof WEEKDAY_LIST)[number]>,
] = [true, true];

export const WEEKDAY_NAMES: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

/** Staff follow-up's pipeline stages, in the order the console offers them. */
export const PIPELINE_NAMES: Record<PipelineStatus, string> = {
  new: 'New',
  contacted: 'Contacted',
  'consultation-booked': 'Consultation booked',
  'not-a-fit': 'Not a fit',
};

export const STATUS_NAMES: Record<LeadStatus, string> = {
  active: 'Active',
  'pending-confirmation': 'Waiting for confirmation',
  booked: 'Booked',
  unsubscribed: 'Unsubscribed',
  bounced: 'Bounced',
  complained: 'Complained',
};
