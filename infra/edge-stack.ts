import { CfnOutput, LegacyStackSynthesizer, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { DeployConfig } from './config';
import { SiteFirewall } from './constructs/firewall';
import { LEADS_PATH } from './constructs/site';

/** AWS WAF for CloudFront (scope CLOUDFRONT) can only be created in this region. */
export const EDGE_REGION = 'us-east-1';

export interface LeadNurtureEdgeStackProps extends Omit<StackProps, 'env' | 'synthesizer'> {
  readonly config: DeployConfig;
}

/**
 * The optional us-east-1 part of a deployment: the WAF WebACL of the landing page's
 * distribution. HTTP APIs cannot take a WebACL, so WAF sits in front of CloudFront, and WAF for
 * CloudFront lives only in us-east-1, whichever region the pipeline runs in.
 *
 * Its ARN reaches the main stack through `site.webAclArn` in infra/config.ts, not through
 * `crossRegionReferences`, which would pin the main stack to an explicit account and region (it
 * is environment-agnostic) and add SSM-writing custom-resource functions to both stacks.
 *
 * It has no assets and a small template, so the classic synthesizer deploys it with the CLI's own
 * credentials and the template inline: us-east-1 needs no `cdk bootstrap` for it.
 */
export class LeadNurtureEdgeStack extends Stack {
  readonly firewall: SiteFirewall;

  constructor(scope: Construct, id: string, props: LeadNurtureEdgeStackProps) {
    super(scope, id, { ...props, env: { region: EDGE_REGION }, synthesizer: new LegacyStackSynthesizer() });
    const { config } = props;
    Tags.of(this).add('app', 'clinic-lead-nurture');

    this.firewall = new SiteFirewall(this, 'Firewall', {
      leadsPath: LEADS_PATH,
      leadsPerAddress: config.waf.leadsPerAddress,
      sitePerAddress: config.waf.sitePerAddress,
    });

    new CfnOutput(this, 'WebAclArn', {
      description: `Set site.webAclArn in infra/config.ts to this value, then deploy ${config.stackName} (npm run deploy)`,
      value: this.firewall.webAcl.attrArn,
    });
  }
}
