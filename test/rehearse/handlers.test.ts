import { BUNDLE_DIR, bundleLambda } from '../../bench/bundle';
import { type HandlerRun, runHandler } from '../../rehearse/handlers';
import { type CfnTemplate, Resolver } from '../../rehearse/intrinsics';
import { lambdaFunctions, type SynthesizedStack } from '../../rehearse/stack';
import { type StandIn, secretsManagerStandIn, sqsStandIn } from '../../rehearse/stand-ins';
import { freshTable, testEndpoints } from '../support/services';

/**
 * The rehearsal's handler step on a real bundle (the daily review check, the smallest): as
 * Lambda loads it, it answers; with a handler string that names nothing, or without a setting
 * it needs, it fails with a line that says so.
 */
const ASSET = 'rehearse-review-check';

function stackWith(properties: { handler: string; environment: Record<string, unknown> }): SynthesizedStack {
  const template: CfnTemplate = {
    Resources: {
      Check: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Handler: properties.handler,
          Runtime: 'nodejs24.x',
          Timeout: 30,
          Role: 'arn:aws:iam::123456789012:role/check',
          Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'admin-review-check', ...properties.environment } },
        },
        Metadata: { 'aws:asset:path': ASSET },
      },
    },
  };
  return { name: 'Test', templateFile: 'Test.template.json', template, resolver: new Resolver(template, 'Test') };
}

describe('handlers as Lambda finds them', () => {
  let secrets: StandIn;
  let sqs: StandIn;
  let tableName: string;

  beforeAll(async () => {
    await bundleLambda('functions/lambdas/review-check/index.ts', ASSET);
    [secrets, sqs, { tableName }] = await Promise.all([secretsManagerStandIn(), sqsStandIn(), freshTable('rehearse')]);
  }, 120_000);

  afterAll(() => Promise.all([secrets.stop(), sqs.stop()]));

  async function run(handler: string, environment: Record<string, unknown>): Promise<HandlerRun> {
    const stack = stackWith({ handler, environment });
    const [fn] = lambdaFunctions(stack);
    const services = {
      dynamoEndpoint: testEndpoints().dynamo,
      sesEndpoint: testEndpoints().ses,
      secretsEndpoint: secrets.endpoint,
      sqsEndpoint: sqs.endpoint,
      tableName,
      recordingDir: `${BUNDLE_DIR}/${ASSET}-calls`,
    };
    return runHandler(stack, BUNDLE_DIR, fn!, services, [{ name: 'Scheduler', event: {} }]);
  }

  it('answers a scheduler invocation when the template is right', async () => {
    const result = await run('index.handler', { TABLE_NAME: 'from-the-template', DUE_SHARDS: '4' });
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('fails a handler string whose export does not exist', async () => {
    const result = await run('index.handle', { TABLE_NAME: 't', DUE_SHARDS: '4' });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      expect.stringMatching(/does not load: handle is not a function exported by .*index\.js/),
    ]);
  });

  it('fails a handler string whose module is not in the asset', async () => {
    const result = await run('lambda.handler', { TABLE_NAME: 't', DUE_SHARDS: '4' });
    expect(result.problems).toEqual([
      'handler "lambda.handler": no lambda.js or lambda.mjs or lambda.cjs in the asset',
    ]);
  });

  it('fails when the template leaves out a setting the function needs, naming it', async () => {
    const result = await run('index.handler', { DUE_SHARDS: '4' });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      expect.stringMatching(/does not load: ConfigurationError: Invalid configuration: TABLE_NAME is not set/),
    ]);
  });
});
