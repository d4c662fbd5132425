import type { IamReport } from './iam';

export interface Row {
  check: string;
  ok: boolean;
  /** Passes, but lists something to act on (an unused grant). */
  finding?: boolean;
  detail: string;
}

const WIDTH = 64;

function clip(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

/** One row per check, then every denial and every unused grant in full. */
export function renderReport(rows: Row[], iam: IamReport): string {
  const lines = ['', `${'Check'.padEnd(WIDTH)}  Result  Detail`, `${'-'.repeat(WIDTH)}  ------  ${'-'.repeat(40)}`];
  for (const row of rows) {
    const result = row.ok ? (row.finding ? 'note' : 'ok') : 'FAIL';
    lines.push(`${clip(row.check, WIDTH)}  ${result.padEnd(6)}  ${row.detail}`);
  }
  const failed = rows.filter((row) => !row.ok).length;
  lines.push('', `${rows.length - failed} passed, ${failed} failed`);

  if (iam.denied.length > 0) {
    lines.push('', 'Denied calls (the function, the action, the resource, and the statement to change):');
    for (const denial of iam.denied) {
      lines.push(`  ${denial.function}: ${denial.action} on ${denial.resource} (${denial.origin})`);
      if (Object.keys(denial.context).length) lines.push(`    with ${JSON.stringify(denial.context)}`);
      lines.push(`    change: ${denial.statement}`);
    }
  }
  if (iam.problems.length > 0) {
    lines.push('', 'Calls that could not be evaluated:', ...iam.problems.map((problem) => `  ${problem}`));
  }
  if (iam.unused.length > 0) {
    lines.push('', 'Grants no recorded call used (least privilege: remove, or say why they stay):');
    for (const grant of iam.unused)
      lines.push(`  ${grant.function}: ${grant.action} on ${grant.resource}  [${grant.statement}]`);
  }
  const elsewhere = Object.entries(iam.notInStack);
  if (elsewhere.length > 0) {
    lines.push(
      '',
      `Recorded for functions this stack does not deploy: ${elsewhere.map(([fn, calls]) => `${fn} (${calls} calls)`).join(', ')}`,
    );
  }
  if (iam.notRecorded.length > 0)
    lines.push(`Not ours, not recorded: ${iam.notRecorded.join(', ')} (CDK's own handlers)`);
  if (iam.ignoredContextKeys.length > 0) {
    lines.push(`Condition keys the actions do not support (ignored): ${iam.ignoredContextKeys.join(', ')}`);
  }
  return lines.join('\n');
}

/** What no offline check can show: the operator confirms these in the account (README, first deploy). */
export const ACCOUNT_ONLY = [
  '',
  'Only an AWS account can show (check these after the first deploy; README "First deploy into a sandbox account"):',
  '  [ ] DKIM: the three CNAME records (stack outputs DkimRecord1-3, or the hosted zone) resolve, and SES shows the domain "Verified"',
  '  [ ] SES production access granted (until then SES sends only to verified addresses, and IAM is also checked',
  '      against each recipient identity: set mail.sandboxRecipients)',
  '  [ ] Cognito: the Hosted UI domain answers, staff users exist in the right groups, and each has enrolled MFA',
  '  [ ] WAF: the WebACL of the Edge stack is attached to the distribution (site.webAclArn set, CloudFront shows it)',
].join('\n');
