import * as z from 'zod';
import { INTEREST_IDS, type Interest } from '../lead/interests';

/**
 * Engagement branches. `booking-click`: the lead clicked the booking link and did not book within
 * the sequence's `engagement.bookingClickWait`. `inactive`: the lead opened and clicked none of
 * the last `engagement.inactiveAfter` emails. A step with one of these goes out only when its
 * branch fires, never on the regular path.
 */
export const ENGAGEMENT_BRANCHES = ['booking-click', 'inactive'] as const;
export type EngagementBranch = (typeof ENGAGEMENT_BRANCHES)[number];

/**
 * Who a step is for. Without a condition a step goes to every lead. `topics`: leads who chose
 * any of them. `general`: leads who chose none of the topics that any step of the sequence
 * names (the general path). Both: either. The order of the steps in the sequence is the order
 * in which the steps of several topics interleave, so a lead with several topics gets each
 * step that fits once, in that order, each step's delay counting from the previous email the
 * lead actually received.
 */
export const stepConditionSchema = z
  .strictObject({
    topics: z
      .array(z.enum(INTEREST_IDS, { error: `use one of: ${INTEREST_IDS.join(', ')}` }))
      .min(1, { error: 'name at least one topic, or leave `topics` out' })
      .optional(),
    general: z.boolean().optional(),
    engagement: z.enum(ENGAGEMENT_BRANCHES, { error: `use one of: ${ENGAGEMENT_BRANCHES.join(', ')}` }).optional(),
  })
  .refine((when) => when.topics !== undefined || when.general === true || when.engagement !== undefined, {
    error: 'a condition needs `topics`, `general: true`, `engagement`, or a combination',
  });

export type StepCondition = z.infer<typeof stepConditionSchema>;

interface ConditionalStep {
  id: string;
  enabled: boolean;
  when?: StepCondition | undefined;
}

/** The topics the sequence's steps name: a lead with none of them is on the general path. */
export function namedTopics(steps: readonly ConditionalStep[]): ReadonlySet<Interest> {
  const topics = new Set<Interest>();
  for (const step of steps) for (const topic of step.when?.topics ?? []) topics.add(topic);
  return topics;
}

/** The path key of a lead who chose none of the sequence's named topics. */
export const GENERAL_PATH = 'general';

/**
 * The results' name for counters kept before paths were recorded (those sends, their SES events
 * and credits): in the step's totals, shown apart from the paths.
 */
export const BEFORE_PATHS = 'before-paths';

/**
 * Which path a send was on, for the results: the sequence's named topics the lead chose, sorted
 * and joined by `_` (topic ids have none), or `general`. It goes out as an SES tag value and
 * onto the step's counter rows, so it stays short and names topics only, never the lead.
 */
export function pathKey(steps: readonly ConditionalStep[], topics: readonly string[]): string {
  const named = namedTopics(steps) as ReadonlySet<string>;
  const chosen = [...new Set(topics)].filter((topic) => named.has(topic)).sort();
  return chosen.length > 0 ? chosen.join('_') : GENERAL_PATH;
}

/** What path resolution needs of a lead: computed once per sequence and lead, not per step. */
export interface PathContext {
  topics: ReadonlySet<string>;
  /** The lead chose none of the sequence's named topics. */
  general: boolean;
  /** The engagement branches that fire for this lead now (none: the regular path). */
  branches: ReadonlySet<EngagementBranch>;
}

const NO_BRANCH: ReadonlySet<EngagementBranch> = new Set();

export function pathContext(
  steps: readonly ConditionalStep[],
  topics: readonly string[],
  branches: ReadonlySet<EngagementBranch> = NO_BRANCH,
): PathContext {
  const named = namedTopics(steps);
  const chosen = new Set(topics);
  return { topics: chosen, general: ![...named].some((topic) => chosen.has(topic)), branches };
}

export function stepFits(step: ConditionalStep, context: PathContext): boolean {
  const { when } = step;
  if (!when) return true;
  if (when.engagement !== undefined && !context.branches.has(when.engagement)) return false;
  if (when.topics === undefined && !when.general) return true;
  if (when.general && context.general) return true;
  return when.topics?.some((topic) => context.topics.has(topic)) ?? false;
}

/**
 * The index of the next step this lead gets after `afterIndex` (-1: from the start): enabled, on
 * the lead's path, and not received already; -1 when there is none (the path ends).
 */
export function nextStepOnPath(
  steps: readonly ConditionalStep[],
  afterIndex: number,
  context: PathContext,
  received: ReadonlySet<string> = new Set(),
): number {
  for (let index = afterIndex + 1; index < steps.length; index++) {
    const step = steps[index]!;
    if (step.enabled && !received.has(step.id) && stepFits(step, context)) return index;
  }
  return -1;
}

/** The steps (enabled ones only) a lead with these topics receives, in order. */
export function pathFor<Step extends ConditionalStep>(steps: readonly Step[], topics: readonly string[]): Step[] {
  const context = pathContext(steps, topics);
  return steps.filter((step) => step.enabled && stepFits(step, context));
}

/**
 * Every topic combination a lead can bring (from none to all), so validation covers every path.
 * Five topics make 32 combinations.
 */
export function topicCombinations(): Interest[][] {
  const all: Interest[][] = [];
  for (let mask = 0; mask < 1 << INTEREST_IDS.length; mask++)
    all.push(INTEREST_IDS.filter((_, bit) => (mask & (1 << bit)) !== 0));
  return all;
}

export interface PathProblem {
  path: (string | number)[];
  message: string;
}

/** The sequence's engagement settings that switch its branches on (see definition.ts). */
export interface BranchSettings {
  bookingClickWait?: string | undefined;
  inactiveAfter?: number | undefined;
}

const BRANCH_SETTING: Record<EngagementBranch, keyof BranchSettings> = {
  'booking-click': 'bookingClickWait',
  inactive: 'inactiveAfter',
};

/** Which branches can fire at all: those the sequence's engagement settings switch on. */
export function possibleBranches(settings: BranchSettings = {}): EngagementBranch[] {
  return ENGAGEMENT_BRANCHES.filter((branch) => settings[BRANCH_SETTING[branch]] !== undefined);
}

/**
 * What is wrong with the paths of a sequence, each naming the step and the field: a step no lead
 * can reach (no topic combination and no engagement branch that can fire meets its condition), or
 * a topic combination whose regular path has no email at all. Steps only ever lead to later steps
 * and a branch step goes out at most once, so a path cannot loop and every path ends.
 */
export function pathProblems(steps: readonly ConditionalStep[], settings: BranchSettings = {}): PathProblem[] {
  const problems: PathProblem[] = [];
  const branchStates = subsets(possibleBranches(settings));
  const reached = new Set<number>();
  const empty: Interest[][] = [];
  for (const topics of topicCombinations()) {
    for (const branches of branchStates) {
      const context = pathContext(steps, topics, new Set(branches));
      let any = false;
      steps.forEach((step, index) => {
        if (!step.enabled || !stepFits(step, context)) return;
        reached.add(index);
        any = true;
      });
      if (!any && branches.length === 0) empty.push(topics);
    }
  }
  steps.forEach((step, index) => {
    if (!step.enabled || reached.has(index)) return;
    const branch = step.when?.engagement;
    const off = branch !== undefined && !possibleBranches(settings).includes(branch);
    problems.push({
      path: ['steps', index, 'when', ...(off ? ['engagement'] : [])],
      message: off
        ? `step "${step.id}" is on no lead's path: the "${branch}" branch needs \`engagement.${BRANCH_SETTING[branch]}\` in the sequence`
        : `step "${step.id}" is on no lead's path: no topic combination meets its condition`,
    });
  });
  if (empty.length > 0) {
    const first = empty[0]!;
    problems.push({
      path: ['steps'],
      message: `a lead with ${first.length === 0 ? 'no topic' : `only ${first.join(' and ')}`} would get no email${
        empty.length > 1 ? ` (and ${empty.length - 1} other topic combinations)` : ''
      }: give at least one enabled step no condition, or a condition that fits them`,
    });
  }
  return problems;
}

function subsets<T>(items: readonly T[]): T[][] {
  const all: T[][] = [[]];
  for (const item of items) for (const subset of all.splice(0)) all.push(subset, [...subset, item]);
  return all;
}
