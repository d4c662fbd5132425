import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { pointerKey } from '../../functions/adapters/dynamodb/published-sequences';
import { versionKey } from '../../functions/adapters/dynamodb/sequence-versions';
import { baseEnvSchema, parseEnv } from '../../functions/config/env';
import { makeReviewCheckHandler } from '../../functions/lambdas/review-check/handler';
import { reviewCheckDeps } from '../../functions/lambdas/review-check/wiring';
import type { StoredReview } from '../../functions/sequence/ports';
import { lambdaContext } from '../support/api-event';
import { dripHarness, TestClock } from '../support/drip-harness';
import { uniqueEmail } from '../support/services';

/**
 * The daily clinical-review check as its Lambda wires it, on DynamoDB Local: the published
 * version, and every older version enrolled leads are still pinned to, judged by its review.
 */

const review = (validUntil: string): StoredReview => ({
  reviewer: 'Dr. Reviewer',
  reviewedAt: '2026-01-05T10:00:00Z',
  validUntil,
  recordedBy: 'admin',
  contentHash: 'hash',
});

it('counts an expired review on a version leads are pinned to, though the published one is current', async () => {
  const clock = new TestClock(new Date('2026-06-01T08:00:00Z'));
  const harness = await dripHarness({ clock });
  const sequenceId = harness.sequence.id;
  const put = (item: Record<string, unknown>) =>
    harness.doc.send(new PutCommand({ TableName: harness.tableName, Item: item }));
  await put({
    ...pointerKey(sequenceId),
    version: 'v3',
    publishedAt: '2026-05-20T00:00:00Z',
    publishedBy: 'admin',
    review: review('2026-12-31'),
  });
  await put({ ...versionKey(sequenceId, 'v3'), version: 'v3', review: review('2026-12-31') });
  await put({ ...versionKey(sequenceId, 'v2'), version: 'v2', review: review('2026-05-15') });
  await put({ ...versionKey(sequenceId, 'v1'), version: 'v1', review: review('2025-01-01') });
  // Two leads still on v2, one on v3; nobody is on v1 any more, so its old review does not count.
  const due = new Date('2026-06-02T14:00:00Z');
  await harness.seedLead(uniqueEmail('on-v2-a'), due, { sequenceVersion: 'v2' });
  await harness.seedLead(uniqueEmail('on-v2-b'), due, { sequenceVersion: 'v2' });
  await harness.seedLead(uniqueEmail('on-v3'), due, { sequenceVersion: 'v3' });

  const metrics: Record<string, number> = {};
  const deps = reviewCheckDeps(
    parseEnv(baseEnvSchema, harness.env),
    {
      add: (name, value) => {
        metrics[name] = value;
      },
    },
    { clock },
  );
  const handler = makeReviewCheckHandler({ ...deps, sequenceIds: [sequenceId] });
  const { statuses } = await handler({}, lambdaContext);

  expect(statuses.map(({ version, scope, status }) => `${version} ${scope} ${status}`)).toEqual([
    'v3 published current',
    'v2 pinned expired',
  ]);
  expect(metrics).toEqual({ ReviewExpired: 1, ReviewMissing: 0 });
});
