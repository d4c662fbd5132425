import type { LeadDirectory } from '../admin/ports';
import type { Mailer, OutgoingEmail } from '../mail/outgoing-email';
import type { Log } from '../observability/logger';
import { escapeHtml } from '../render/escape';
import type { Clock } from '../shared/clock';
import { type FollowUpLead, openTasksOf, type TaskId } from './follow-up';

export interface DigestCounts {
  leadsWithOpenTasks: number;
  openTasks: number;
  byTask: Record<TaskId, number>;
  /** Open tasks per owner (console usernames); leads nobody owns under "unowned". */
  byOwner: Record<string, number>;
}

export interface DigestDeps {
  leads: Pick<LeadDirectory, 'listLeads'>;
  mailer: Mailer;
  clock: Clock;
  log: Log;
  settings: { staffAddresses: string[]; siteUrl: string; sequenceId: string };
}

/** Counts every lead's open follow-up tasks, a page of the leads list at a time. */
export async function countOpenTasks(deps: Pick<DigestDeps, 'leads' | 'clock' | 'settings'>): Promise<DigestCounts> {
  const counts: DigestCounts = {
    leadsWithOpenTasks: 0,
    openTasks: 0,
    byTask: { contact: 0, reply: 0, 'hot-lead': 0 },
    byOwner: {},
  };
  let cursor: string | undefined;
  do {
    const page = await deps.leads.listLeads({
      limit: 500,
      sequenceId: deps.settings.sequenceId,
      now: deps.clock.now(),
      keep: (row) => openTasksOf(row.lead as FollowUpLead).length > 0,
      ...(cursor ? { cursor } : {}),
    });
    for (const { lead } of page.rows) {
      const tasks = openTasksOf(lead as FollowUpLead);
      counts.leadsWithOpenTasks += 1;
      counts.openTasks += tasks.length;
      for (const task of tasks) counts.byTask[task.taskId] += 1;
      const owner = (lead as FollowUpLead).owner ?? 'unowned';
      counts.byOwner[owner] = (counts.byOwner[owner] ?? 0) + tasks.length;
    }
    cursor = page.nextCursor;
  } while (cursor);
  return counts;
}

/** Counts and console links only: nothing about any lead, and nothing personal in the subject. */
export function digestEmail(counts: DigestCounts, settings: DigestDeps['settings']): OutgoingEmail {
  const consoleUrl = `${settings.siteUrl.replace(/\/$/, '')}/console/#/leads`;
  const lines = [
    `Open follow-up tasks: ${counts.openTasks} (on ${counts.leadsWithOpenTasks} leads)`,
    `  Call or text back: ${counts.byTask.contact}`,
    `  Answer a reply: ${counts.byTask.reply}`,
    `  Reach a hot lead: ${counts.byTask['hot-lead']}`,
    '',
    'By owner:',
    ...Object.entries(counts.byOwner)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([owner, count]) => `  ${owner}: ${count}`),
    '',
    `Open the leads list (filter "Open task", or "My open tasks"): ${consoleUrl}`,
  ];
  return {
    to: settings.staffAddresses,
    subject: `Follow-up digest: ${counts.openTasks} open task${counts.openTasks === 1 ? '' : 's'}`,
    text: lines.join('\n'),
    html: `<div style="font-family:sans-serif;white-space:pre-wrap">${lines.map(escapeHtml).join('<br>')}</div>`,
    headers: [],
    tags: { kind: 'follow-up-digest' },
  };
}

/** The daily digest: sent when there is something open, so a quiet day sends nothing. */
export async function sendDailyDigest(deps: DigestDeps): Promise<DigestCounts & { sent: boolean }> {
  const counts = await countOpenTasks(deps);
  const sent = counts.openTasks > 0;
  if (sent) await deps.mailer.send(digestEmail(counts, deps.settings));
  deps.log.info('Follow-up digest', { openTasks: counts.openTasks, sent });
  return { ...counts, sent };
}
