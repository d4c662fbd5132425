import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoEnrolmentStore } from '../../functions/adapters/dynamodb/enrolments';
import { DynamoSendRecordStore } from '../../functions/adapters/dynamodb/send-records';
import { DynamoSequenceVersions, versionKey } from '../../functions/adapters/dynamodb/sequence-versions';
import { dispatcherEnvSchema, parseEnv } from '../../functions/config/env';
import type { SendRecord } from '../../functions/drip/ports';
import { makeDispatcherHandler } from '../../functions/lambdas/dispatcher/handler';
import { dispatcherDeps } from '../../functions/lambdas/dispatcher/wiring';
import { dripHarness, TestClock } from '../support/drip-harness';

describe('send records in DynamoDB', () => {
  it('keep a delivery event that lands between the claim and the finish', async () => {
    const clock = new TestClock(new Date('2026-12-01T15:00:00Z'));
    const harness = await dripHarness({ clock });
    const leadId = await harness.seedLead('early.delivery@example.com', clock.now());
    const table = { client: harness.doc as never, tableName: harness.tableName, dueShards: 4 };
    const enrolments = new DynamoEnrolmentStore(table);
    const sendRecords = new DynamoSendRecordStore(table);
    const enrolment = (await enrolments.getEnrolment(leadId, harness.sequence.id))!;
    const stepId = harness.sequence.steps[0]!.id;
    const claim: SendRecord = {
      leadId,
      sequenceId: harness.sequence.id,
      sequenceVersion: harness.sequence.version,
      stepId,
      stepIndex: 0,
      status: 'claimed',
      variant: 'a',
      claimId: 'claim-1',
      claimedAt: clock.now().toISOString(),
    };
    await sendRecords.claimStep(claim);

    expect(
      await sendRecords.recordEmailEvent(
        leadId,
        harness.sequence.id,
        stepId,
        'deliveredAt',
        '2026-12-01T15:00:01.000Z',
      ),
    ).toBe(true);
    await sendRecords.finishStep(
      { ...claim, status: 'sent', messageId: 'm-1', sentAt: claim.claimedAt, finishedAt: claim.claimedAt },
      enrolment,
      {
        kind: 'next',
        stepIndex: 1,
        nextSendAt: '2026-12-04T14:00:00.000Z',
      },
    );

    expect(await sendRecords.getSendRecord(leadId, harness.sequence.id, stepId)).toMatchObject({
      status: 'sent',
      messageId: 'm-1',
      deliveredAt: '2026-12-01T15:00:01.000Z',
    });
    expect(await enrolments.getEnrolment(leadId, harness.sequence.id)).toMatchObject({
      stepIndex: 1,
      nextSendAt: '2026-12-04T14:00:00.000Z',
    });
  });

  it("are stored for every bundled sequence version by the dispatcher's first run, once", async () => {
    const clock = new TestClock(new Date('2026-12-01T15:00:00Z'));
    const harness = await dripHarness({ clock });
    const { deps, settings, prepare } = dispatcherDeps(parseEnv(dispatcherEnvSchema, harness.env), {
      clock,
      queue: { send: async () => ({ failed: [] }) },
    });
    const dispatcher = makeDispatcherHandler(deps, settings, prepare);
    const versions = new DynamoSequenceVersions({
      client: harness.doc as never,
      tableName: harness.tableName,
      dueShards: Number(harness.env.DUE_SHARDS),
    });
    const stored = () =>
      harness.doc.send(
        new GetCommand({
          TableName: harness.tableName,
          Key: versionKey(harness.sequence.id, harness.sequence.version),
        }),
      );

    expect((await stored()).Item).toBeUndefined();
    await dispatcher({}, undefined as never);
    await dispatcher({}, undefined as never);

    expect((await stored()).Item).toMatchObject({ type: 'sequence-version', bundled: true });
    expect(await versions.get(harness.sequence.id, harness.sequence.version)).toEqual(harness.sequence);
  });
});
