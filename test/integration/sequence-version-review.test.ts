import { DynamoSequenceStore } from '../../functions/adapters/dynamodb/sequence-store';
import { DynamoSequenceVersions } from '../../functions/adapters/dynamodb/sequence-versions';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import type { StoredReview } from '../../functions/sequence/ports';
import { freshTable } from '../support/services';

const review = (validUntil: string): StoredReview => ({
  reviewer: 'Dr. Reviewer',
  reviewedAt: `${validUntil.slice(0, 4)}-01-01T00:00:00Z`,
  validUntil,
  recordedBy: 'admin',
  contentHash: 'same-content',
});

/**
 * Versions are named by their content, so publishing the same content again after a new review
 * lands on the same version item: it must then carry the newer review (the migrate guard and the
 * daily check read it there), and an older review must never replace a newer one.
 */
it('keeps the newest clinical review on a version published more than once', async () => {
  const { tableName, doc } = await freshTable('versions');
  const table = { client: doc, tableName, dueShards: 4 };
  const store = new DynamoSequenceStore(table, new DynamoSequenceVersions(table));
  const sequence = Object.values(bundledEmails().sequences)[0]!;
  const reviewOf = async () =>
    (await store.listVersions(sequence.id)).find((meta) => meta.version === sequence.version)?.review?.validUntil;

  await store.saveVersion(sequence, { publishedAt: '2026-01-02T00:00:00Z', review: review('2026-06-30') });
  expect(await reviewOf()).toBe('2026-06-30');
  await store.saveVersion(sequence, { publishedAt: '2026-07-02T00:00:00Z', review: review('2027-06-30') });
  expect(await reviewOf()).toBe('2027-06-30');
  await store.saveVersion(sequence, { review: review('2026-12-31') });
  expect(await reviewOf()).toBe('2027-06-30');
  // The first publish is what the version remembers as its publish.
  const meta = (await store.listVersions(sequence.id)).find((candidate) => candidate.version === sequence.version);
  expect(meta?.publishedAt).toBe('2026-01-02T00:00:00Z');
});
