import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { deployConfig } from './config';
import { PROJECT_ROOT } from './constructs/lambda';
import { LeadNurtureStack } from './stack';

/**
 * CDK entry (cdk.json runs it with tsx). It does not build: `npm run synth` and
 * `npm run deploy` run `npm run build` first (emails into emails/dist, which the functions
 * bundle, and the landing page into web/dist). Run directly, it says what is missing.
 *
 * `-c siteAssetDir=<dir>` points at another built site.
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

// Fails `cdk synth` on any AwsSolutions finding that is not acknowledged with a reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
