import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import { dynamoTable } from '../../adapters/clients/dynamodb';
import { sesClient } from '../../adapters/clients/ses';
import { DynamoDripStore } from '../../adapters/dynamodb/drip-store';
import { DynamoEnrolmentIndex } from '../../adapters/dynamodb/enrolment-index';
import { DynamoFollowUpStore } from '../../adapters/dynamodb/follow-up-store';
import { DynamoLeadDirectory } from '../../adapters/dynamodb/lead-directory';
import { PublishedSequenceCatalog } from '../../adapters/dynamodb/published-sequences';
import { DynamoReplyStore } from '../../adapters/dynamodb/reply-store';
import { DynamoSendSlots } from '../../adapters/dynamodb/send-slots';
import { DynamoSequenceStore } from '../../adapters/dynamodb/sequence-store';
import { DynamoSequenceVersions } from '../../adapters/dynamodb/sequence-versions';
import { DynamoStepStats } from '../../adapters/dynamodb/step-stats';
import { DynamoSuppressionList } from '../../adapters/dynamodb/suppression-list';
import { SesAccountSuppressionList } from '../../adapters/ses-account-suppression';
import { accountMaxSendRate } from '../../adapters/ses-send-rate';
import type { AdminEnv } from '../../config/env';
import { OPT_IN_TTL_MS } from '../../consent/opt-in-token';
import { linkShapes } from '../../mail/links';
import { logger } from '../../observability/logger';
import type { PlaceholderValues } from '../../render/render';
import { authoringSources } from '../../sequence/build-output/authoring-sources';
import { bundledEmails } from '../../sequence/build-output/email-bundle';
import { compileSequenceDraft } from '../../sequence/compile/compile-draft';
import type { CompiledSequence } from '../../sequence/compiled';
import { clockFrom, mailerFrom, type Overrides, practiceFrom } from '../wiring';
import type { AdminDeps } from './handler';

/** Everything the admin API needs, built from the parsed environment (AWS and local alike). */
export function adminDeps(env: AdminEnv, overrides: Overrides = {}): AdminDeps {
  recordAwsCallsAs('admin', env);
  const table = dynamoTable(env);
  const bundle = bundledEmails();
  const sources = authoringSources();
  const clock = clockFrom(overrides);
  const versions = new DynamoSequenceVersions(table, Object.values(bundle.sequences));
  const sequences = new DynamoSequenceStore(table, versions);
  const practice = practiceFrom(env);
  const links = linkShapes(env.SITE_URL, env.PUBLIC_API_URL);
  const ses = sesClient({ endpoint: env.SES_ENDPOINT });
  let rate: Promise<number> | undefined;

  const bundled = Object.fromEntries(
    Object.values(bundle.sequences).map((compiled) => {
      const source = sources.sequences[compiled.id];
      if (!source)
        throw new Error(`emails/dist/authoring.json has no source for "${compiled.id}"; run the email build`);
      return [compiled.id, { compiled, source }];
    }),
  );
  const sampleValues: PlaceholderValues = {
    firstName: 'Maria',
    interests: 'aftercare after Fraxel (non-ablative laser) and hair restoration',
    practiceName: practice.name,
    practiceAddress: practice.postalAddress,
    practicePhone: practice.phone,
    surgeonName: practice.surgeon,
    siteUrl: links.siteUrl,
    bookingUrl: links.bookingUrl,
    // A preview's link has the real shape but goes nowhere: no lead is behind it.
    unsubscribeUrl: links.unsubscribeUrl('preview'),
    signupDate: new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: practice.timeZone }).format(
      clock.now(),
    ),
  };

  return {
    leads: new DynamoLeadDirectory(table),
    followUp: new DynamoFollowUpStore(table),
    sentMessages: new DynamoReplyStore(table),
    accountSuppression: new SesAccountSuppressionList(ses),
    store: new DynamoDripStore(table),
    suppression: new DynamoSuppressionList(table),
    stats: new DynamoStepStats(table),
    versions,
    sequences,
    enrolments: new DynamoEnrolmentIndex(table),
    compiler: { compile: (draft, options) => compileSequenceDraft(draft, { sources, ...options }) },
    bundled,
    mailer: mailerFrom(env, overrides),
    sampleValues,
    // Imports read the pointer fresh: a publish a moment ago must count.
    catalog: new PublishedSequenceCatalog({ table, bundle, clock, log: logger, cacheMs: 0 }),
    slots: new DynamoSendSlots(table),
    sendRate: () => {
      rate ??= env.MAX_SEND_RATE ? Promise.resolve(env.MAX_SEND_RATE) : accountMaxSendRate(ses);
      rate.catch(() => {
        rate = undefined;
      });
      return rate;
    },
    bundledVersion: (sequenceId) => bundle.sequences[sequenceId]?.version,
    versionsOf: async (sequenceId): Promise<CompiledSequence[] | undefined> => {
      const pointer = await sequences.getPointer(sequenceId);
      const current = pointer ? await versions.get(sequenceId, pointer.version) : undefined;
      const shipped = bundle.sequences[sequenceId];
      const list = [current, shipped].filter((sequence): sequence is CompiledSequence => sequence !== undefined);
      return list.length > 0 ? list : undefined;
    },
    clock,
    log: logger,
    practiceTimeZone: env.PRACTICE_TIME_ZONE,
    optInTtlMs: OPT_IN_TTL_MS,
    settings: {
      defaultSequenceId: env.DEFAULT_SEQUENCE_ID,
      practiceTimeZone: env.PRACTICE_TIME_ZONE,
      sendRateShare: env.IMPORT_SEND_SHARE,
      maxRows: env.IMPORT_MAX_ROWS,
    },
  };
}

/** The daily clinical sign-off check: every bundled sequence's published pointer. */
