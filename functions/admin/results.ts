import type { StepCounter } from '../drip/ports';
import type { CompiledSequence } from '../sequence/compiled';
import { BEFORE_PATHS, type StepCondition } from '../sequence/paths';
import { NotFoundError, ValidationError } from '../shared/errors';
import type { PathFigures, Results, StepFigures, StepResult } from './contract';

/** SES reviews an account at 5 % bounces and 0.1 % complaints; the alarms fire at half of each. */
export const BOUNCE_ALARM_RATE = 0.025;
export const COMPLAINT_ALARM_RATE = 0.0005;

/** Cap on a results range, so one request reads a bounded number of counter rows. */
export const MAX_RESULT_DAYS = 731;

export interface CounterRow {
  stepId: string;
  variant: string;
  /** Absent on rows counted before paths were recorded. */
  path?: string;
  counts: Record<StepCounter, number>;
}

export interface ResultsDeps {
  stats: { between(sequenceId: string, fromDay: string, toDay: string): Promise<CounterRow[]> };
  /** Versions whose steps name the rows (published first), to order steps and find subjects. */
  versionsOf(sequenceId: string): Promise<CompiledSequence[] | undefined>;
}

/** The per-step, per-variant funnel of a sequence over a date range, with the account-health rates. */
export async function sequenceResults(
  query: { sequenceId: string; from: string; to: string },
  deps: ResultsDeps,
): Promise<Results> {
  if (query.from > query.to) throw new ValidationError([{ field: 'to', message: 'The range ends before it starts' }]);
  const days = (Date.parse(query.to) - Date.parse(query.from)) / 86_400_000;
  if (days > MAX_RESULT_DAYS) {
    throw new ValidationError([{ field: 'from', message: `Choose at most ${MAX_RESULT_DAYS} days` }]);
  }
  const versions = await deps.versionsOf(query.sequenceId);
  if (!versions) throw new NotFoundError(`No sequence "${query.sequenceId}"`);
  const rows = await deps.stats.between(query.sequenceId, query.from, query.to);

  const byKey = new Map<string, StepResult>();
  for (const row of rows) {
    const key = `${row.stepId}\u0000${row.variant}`;
    const result =
      byKey.get(key) ??
      emptyResult(
        row.stepId,
        row.variant,
        subjectOf(versions, row.stepId, row.variant),
        conditionOf(versions, row.stepId),
      );
    const pathName = row.path ?? BEFORE_PATHS;
    let path = result.paths.find((candidate) => candidate.path === pathName);
    if (!path) {
      path = { path: pathName, ...emptyFigures() };
      result.paths.push(path);
    }
    for (const counter of COUNTERS) {
      result[counter] += row.counts[counter] ?? 0;
      path[counter] += row.counts[counter] ?? 0;
    }
    byKey.set(key, result);
  }
  for (const result of byKey.values()) result.paths.sort(byPathOrder);
  const order = stepOrder(versions);
  const steps = [...byKey.values()].sort(
    (a, b) =>
      (order.get(a.stepId) ?? Number.MAX_SAFE_INTEGER) - (order.get(b.stepId) ?? Number.MAX_SAFE_INTEGER) ||
      a.stepId.localeCompare(b.stepId) ||
      a.variant.localeCompare(b.variant),
  );
  const sent = steps.reduce((sum, step) => sum + step.sent, 0);
  const bounced = steps.reduce((sum, step) => sum + step.bounced, 0);
  const complained = steps.reduce((sum, step) => sum + step.complained, 0);
  return {
    sequenceId: query.sequenceId,
    from: query.from,
    to: query.to,
    steps,
    rates: {
      bounceRate: sent > 0 ? bounced / sent : 0,
      complaintRate: sent > 0 ? complained / sent : 0,
      bounceAlarm: BOUNCE_ALARM_RATE,
      complaintAlarm: COMPLAINT_ALARM_RATE,
    },
  };
}

const COUNTERS = [
  'sent',
  'delivered',
  'opened',
  'clicked',
  'booked',
  'cancelled',
  'unsubscribed',
  'bounced',
  'complained',
] as const;

/** Most sent first; the rows from before paths were recorded last. */
function byPathOrder(a: PathFigures, b: PathFigures): number {
  return (
    Number(a.path === BEFORE_PATHS) - Number(b.path === BEFORE_PATHS) || b.sent - a.sent || a.path.localeCompare(b.path)
  );
}

function emptyResult(stepId: string, variant: string, subject: string, when?: StepCondition): StepResult {
  return { stepId, variant, subject, ...(when ? { when } : {}), ...emptyFigures(), paths: [] };
}

function emptyFigures(): StepFigures {
  return {
    sent: 0,
    delivered: 0,
    opened: 0,
    clicked: 0,
    booked: 0,
    cancelled: 0,
    unsubscribed: 0,
    bounced: 0,
    complained: 0,
  };
}

function subjectOf(versions: CompiledSequence[], stepId: string, variant: string): string {
  for (const version of versions) {
    const step = version.steps.find((candidate) => candidate.id === stepId);
    const subject = step?.variants.find((candidate) => candidate.id === variant)?.subject;
    if (subject) return subject;
  }
  return '';
}

/** The step's condition in the first version listed (the published one) that has the step. */
function conditionOf(versions: CompiledSequence[], stepId: string): StepCondition | undefined {
  for (const version of versions) {
    const step = version.steps.find((candidate) => candidate.id === stepId);
    if (step) return step.when;
  }
  return undefined;
}

function stepOrder(versions: CompiledSequence[]): Map<string, number> {
  const order = new Map<string, number>();
  for (const version of versions) {
    version.steps.forEach((step, index) => {
      if (!order.has(step.id)) order.set(step.id, index);
    });
  }
  return order;
}
