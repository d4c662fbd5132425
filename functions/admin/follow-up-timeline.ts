import type { PipelineChange } from '../follow-up/follow-up';
import type { Enrolment } from '../lead/lead';
import type { StoredReply } from '../reply/ports';
import type { TimelineEvent } from './contract';

export type { PipelineChange } from '../follow-up/follow-up';

/** The timeline entries of replies, paused sequences and staff follow-up. */
export function followUpEvents(items: Record<string, unknown>[], enrolments: Enrolment[]): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  for (const item of items) {
    if (item.type === 'reply') {
      const reply = item as unknown as StoredReply;
      const how = reply.matchedBy === 'reply-address' ? 'by its reply address' : 'by the email it answers';
      events.push(
        reply.automatic
          ? {
              at: reply.receivedAt,
              kind: 'auto-reply',
              title: 'Automatic reply noted (the sequence goes on)',
              detail: reply.automatic,
            }
          : {
              at: reply.receivedAt,
              kind: 'reply',
              title: reply.fromOtherAddress ? 'Replied from another address (flagged)' : 'Replied',
              detail: `${reply.text || '(no text)'}\n\nMatched ${how}.`,
            },
      );
    }
    if (item.type === 'pipeline-change') {
      const change = item as unknown as PipelineChange;
      events.push({ at: change.at, kind: 'follow-up', title: changeTitle(change), detail: `By ${change.by}` });
    }
  }
  for (const enrolment of enrolments) {
    if (enrolment.status === 'replied' && enrolment.repliedAt) {
      events.push({
        at: enrolment.repliedAt,
        kind: 'paused',
        title: 'Sequence paused: the lead replied',
        sequenceId: enrolment.sequenceId,
      });
    }
  }
  return events;
}

function changeTitle(change: PipelineChange): string {
  switch (change.field) {
    case 'status':
      return `Pipeline status: ${change.from ?? 'new'} → ${change.to}`;
    case 'owner':
      return change.to ? `Owner: ${change.to}` : 'Owner removed';
    case 'task':
      return `Follow-up task done: ${change.to}`;
    default:
      return `Note: ${change.note ?? ''}`;
  }
}
