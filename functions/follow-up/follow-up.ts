import type { Lead } from '../lead/lead';
import type { Log } from '../observability/logger';
import type { Clock } from '../shared/clock';

/** Where staff say a lead stands; `new` until someone changes it. */
export const PIPELINE_STATUSES = ['new', 'contacted', 'consultation-booked', 'not-a-fit'] as const;
export type PipelineStatus = (typeof PIPELINE_STATUSES)[number];

export const TASK_IDS = ['contact', 'reply', 'hot-lead'] as const;
export type TaskId = (typeof TASK_IDS)[number];

/** What the lead item carries for staff follow-up (set by the console and by a reply). */
export interface FollowUpFields {
  pipelineStatus?: PipelineStatus;
  /** The console username of the staff member who owns the lead. */
  owner?: string;
  /** The "call or text them" task was done. */
  contactTaskDoneAt?: string;
  /** A person's reply opened this task; staff close it once they have answered. */
  replyTaskOpenedAt?: string;
  /** The booking-click branch fired (clicked the booking link, did not book): call them. */
  hotLeadTaskOpenedAt?: string;
}
export type FollowUpLead = Lead & FollowUpFields;

export interface OpenTask {
  taskId: TaskId;
  title: string;
  openedAt: string;
}

/**
 * A lead's open follow-up tasks, from the lead item alone (so the leads list can filter on them):
 * one to call or text a lead who asked for that, one to answer a lead who replied, one to reach
 * a hot lead (clicked the booking link, did not book).
 */
export function openTasksOf(lead: FollowUpLead): OpenTask[] {
  const tasks: OpenTask[] = [];
  if ((lead.preferredContact === 'phone' || lead.preferredContact === 'text') && !lead.contactTaskDoneAt) {
    tasks.push({
      taskId: 'contact',
      title:
        lead.preferredContact === 'phone'
          ? 'Call them (they asked for a phone call)'
          : 'Text them (they asked for a text)',
      openedAt: lead.createdAt,
    });
  }
  if (lead.replyTaskOpenedAt) {
    tasks.push({ taskId: 'reply', title: 'Answer their reply', openedAt: lead.replyTaskOpenedAt });
  }
  if (lead.hotLeadTaskOpenedAt) {
    tasks.push({
      taskId: 'hot-lead',
      title: 'Hot lead: they clicked the booking link and have not booked',
      openedAt: lead.hotLeadTaskOpenedAt,
    });
  }
  return tasks;
}

/** One change staff made, kept on the lead's timeline with who and when. */
export interface PipelineChange {
  at: string;
  by: string;
  field: 'status' | 'owner' | 'note' | 'task';
  from?: string;
  to?: string;
  note?: string;
}

export interface LeadUpdate {
  pipelineStatus?: PipelineStatus;
  /** A username, or null to leave the lead unowned. */
  owner?: string | null;
  taskDone?: TaskId;
}

export interface FollowUpStore {
  getLead(leadId: string): Promise<FollowUpLead | undefined>;
  /** Updates the lead and records the changes in one write; false if the lead does not exist. */
  applyChanges(leadId: string, update: LeadUpdate, changes: PipelineChange[]): Promise<boolean>;
}

export interface FollowUpDeps {
  followUp: FollowUpStore;
  clock: Clock;
  log: Log;
}

export type UpdateResult = { status: 'updated' | 'unchanged'; changes: number } | { status: 'unknown-lead' };

/** Pipeline status, owner and a note, each change recorded with who made it and when. */
export async function updatePipeline(
  leadId: string,
  input: { status?: PipelineStatus; owner?: string | null; note?: string },
  by: string,
  deps: FollowUpDeps,
): Promise<UpdateResult> {
  const lead = await deps.followUp.getLead(leadId);
  if (!lead) return { status: 'unknown-lead' };
  const at = deps.clock.now().toISOString();
  const changes: PipelineChange[] = [];
  const update: LeadUpdate = {};
  const currentStatus = lead.pipelineStatus ?? 'new';
  if (input.status && input.status !== currentStatus) {
    update.pipelineStatus = input.status;
    changes.push({ at, by, field: 'status', from: currentStatus, to: input.status });
  }
  if (input.owner !== undefined && (input.owner ?? undefined) !== lead.owner) {
    update.owner = input.owner;
    changes.push({
      at,
      by,
      field: 'owner',
      ...(lead.owner ? { from: lead.owner } : {}),
      ...(input.owner ? { to: input.owner } : {}),
    });
  }
  if (input.note) changes.push({ at, by, field: 'note', note: input.note });
  if (changes.length === 0) return { status: 'unchanged', changes: 0 };
  if (!(await deps.followUp.applyChanges(leadId, update, changes))) return { status: 'unknown-lead' };
  deps.log.info('Lead follow-up updated', { leadId, fields: changes.map((change) => change.field) });
  return { status: 'updated', changes: changes.length };
}

export type TaskResult = 'done' | 'not-open' | 'unknown-lead';

export async function completeTask(
  leadId: string,
  taskId: TaskId,
  by: string,
  deps: FollowUpDeps,
): Promise<TaskResult> {
  const lead = await deps.followUp.getLead(leadId);
  if (!lead) return 'unknown-lead';
  const task = openTasksOf(lead).find((candidate) => candidate.taskId === taskId);
  if (!task) return 'not-open';
  const at = deps.clock.now().toISOString();
  const change: PipelineChange = { at, by, field: 'task', to: task.title };
  if (!(await deps.followUp.applyChanges(leadId, { taskDone: taskId }, [change]))) return 'unknown-lead';
  deps.log.info('Follow-up task done', { leadId, taskId });
  return 'done';
}
