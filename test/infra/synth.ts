import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type DeployConfig, deployConfig } from '../../infra/config';
import { PROJECT_ROOT } from '../../infra/constructs/lambda';
import { LeadNurtureEdgeStack } from '../../infra/edge-stack';
import { LeadNurtureStack } from '../../infra/stack';
import { LOCAL_CONSOLE_CONFIG } from '../../web/console/src/config';

export interface Checked {
  template: Template;
  /** AwsSolutions findings left after acknowledgements, as `rule @ construct path`. */
  nagFindings: string[];
  /** Every acknowledgement recorded in the app: rule id → reason. */
  acknowledgements: { id: string; reason: string; path: string }[];
}

export interface Synthesized extends Checked {
  stack: LeadNurtureStack;
}

export interface SynthesizedEdge extends Checked {
  stack: LeadNurtureEdgeStack;
}

let builtSite: string | undefined;

/**
 * A built-site stand-in, made once per test file: an index.html, and the console folder as
 * web/build.ts writes it, with its local-login console-config.json (which must never ship).
 */
function siteDir(): string {
  if (!builtSite) {
    builtSite = fs.mkdtempSync(path.join(os.tmpdir(), 'site-'));
    fs.writeFileSync(path.join(builtSite, 'index.html'), '<!doctype html><title>test</title>');
    fs.mkdirSync(path.join(builtSite, 'console'));
    fs.writeFileSync(path.join(builtSite, 'console', 'index.html'), '<!doctype html><title>console</title>');
    fs.writeFileSync(path.join(builtSite, 'console', 'console-config.json'), JSON.stringify(LOCAL_CONSOLE_CONFIG));
  }
  return builtSite;
}

/** An app with cdk.json's feature flags, bundling nothing. */
function testApp(): App {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8'));
  return new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
}

/** Runs the AwsSolutions checks over the whole app, as `cdk synth` does. */
function check(app: App, template: Template): Checked {
  const report = new AwsSolutionsChecks().validateScope(app);
  const nagFindings = report.violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => `${violation.ruleName} @ ${resource.constructPath}`),
  );
  const acknowledgements = app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          id,
          reason,
          path: construct.node.path,
        })),
      ),
  );
  return { template, nagFindings, acknowledgements };
}

/**
 * Synthesizes the stack as `cdk synth` would (cdk.json's feature flags), without bundling
 * the functions: these tests read the template, not the code, and stay independent of the
 * email build. `npm run synth` bundles for real.
 */
export function synth(overrides: Partial<DeployConfig> = {}): Synthesized {
  const app = testApp();
  const stack = new LeadNurtureStack(app, 'Test', {
    config: { ...deployConfig, ...overrides },
    siteAssetDir: siteDir(),
  });
  return { stack, ...check(app, Template.fromStack(stack)) };
}

/** The us-east-1 WAF stack, alone in its app, as `cdk synth -c edge=true` adds it. */
export function synthEdge(overrides: Partial<DeployConfig> = {}): SynthesizedEdge {
  const app = testApp();
  const stack = new LeadNurtureEdgeStack(app, 'TestEdge', { config: { ...deployConfig, ...overrides } });
  return { stack, ...check(app, Template.fromStack(stack)) };
}
