import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { deployConfig } from './config';
import { PROJECT_ROOT } from './constructs/lambda';
import { LeadNurtureEdgeStack } from './edge-stack';
import { LeadNurtureStack } from './stack';

/**
 * CDK entry (cdk.json runs it with tsx). It does not build: `npm run synth` and
 * `npm run deploy` run `npm run build` first (emails into emails/dist, which the functions
 * bundle, and the landing page into web/dist). Run directly, it says what is missing.
 *
 * `-c siteAssetDir=<dir>` points at another built site.
 *
 * `-c edge=true` adds the optional `<stackName>Edge` stack: the WAF WebACL in front of CloudFront,
 * which AWS only accepts in us-east-1 (see infra/edge-stack.ts). Without the flag the app has one
 * stack, so a plain `cdk deploy` deploys the pipeline into any region as before. With WAF:
 *
 *   1. npm run build && npx cdk deploy -c edge=true ClinicLeadNurtureEdge   (prints WebAclArn)
 *   2. set site.webAclArn in infra/config.ts to that ARN
 *   3. npm run deploy                                  (attaches it to the distribution)
 *
 * To remove it, the other way round (WAF refuses to delete a WebACL still attached): unset
 * site.webAclArn, `npm run deploy`, then `npx cdk destroy -c edge=true ClinicLeadNurtureEdge`.
 */
const app = new App();

const siteAssetDir = path.resolve(PROJECT_ROOT, app.node.tryGetContext('siteAssetDir') ?? 'web/dist');
const missing = [path.join(siteAssetDir, 'index.html')].filter((file) => !fs.existsSync(file));
if (missing.length > 0) {
  throw new Error(`Missing ${missing.join(', ')}. Run \`npm run build\` first (npm run synth and deploy do).`);
}

new LeadNurtureStack(app, deployConfig.stackName, {
  config: deployConfig,
  siteAssetDir,
  description: `Lead capture and email nurture for ${deployConfig.clinic.practice.name}`,
  // Environment-agnostic on purpose: synth needs no AWS credentials or network, and nothing
  // here looks up account or region values at synth time.
});

const edge = app.node.tryGetContext('edge');
if (edge === true || edge === 'true') {
  new LeadNurtureEdgeStack(app, `${deployConfig.stackName}Edge`, {
    config: deployConfig,
    description: `WAF in front of the landing page of ${deployConfig.clinic.practice.name} (CloudFront, us-east-1)`,
  });
}

// Fails `cdk synth` on any AwsSolutions finding that is not acknowledged with a reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
