import { matchesPattern } from '../local/event-pattern';
import { fromConfigurationSet, SES_EVENT_FIXTURES } from './fixtures/ses-events';
import { configurationSetName } from './handlers';
import { type LambdaFunction, lambdaFunctions, referencedId, resourcesOfType, type SynthesizedStack } from './stack';

export interface RuleCheck {
  rule: string;
  target: string;
  ok: boolean;
  delivered: string[];
  filtered: string[];
  problems: string[];
}

/**
 * Each EventBridge rule's pattern, as deployed, against AWS's documented SES events: what the
 * target function handles must be delivered, and the same events from another configuration
 * set (the documented `ConfigSet`) must not be. What else the rule lets through, the handler
 * run shows it ignores without error.
 */
export function checkRules(stack: SynthesizedStack): RuleCheck[] {
  const functions = new Map<string, LambdaFunction>(lambdaFunctions(stack).map((fn) => [fn.logicalId, fn]));
  const configurationSet = configurationSetName(stack) ?? 'ConfigSet';
  return resourcesOfType(stack, 'AWS::Events::Rule').map(([id, rule]) => {
    const pattern = stack.resolver.resolve(rule.Properties?.EventPattern) as Record<string, unknown>;
    const targets = ((rule.Properties?.Targets ?? []) as { Arn?: unknown }[])
      .map((target) => functions.get(referencedId(target.Arn) ?? ''))
      .filter((fn): fn is LambdaFunction => fn !== undefined);
    const check: RuleCheck = {
      rule: id,
      target: targets.map((fn) => fn.label).join(', ') || 'no function',
      ok: true,
      delivered: [],
      filtered: [],
      problems: [],
    };
    if (pattern.source && !JSON.stringify(pattern.source).includes('aws.ses')) return check;
    for (const fixture of SES_EVENT_FIXTURES) {
      const ours = fromConfigurationSet(fixture.event, configurationSet);
      const delivered = matchesPattern(pattern, ours);
      (delivered ? check.delivered : check.filtered).push(fixture.name);
      if (fixture.expect === 'handled' && !delivered) {
        check.problems.push(`${fixture.name} is handled by ${check.target} but the rule does not deliver it`);
      }
      if (matchesPattern(pattern, fixture.event) && configurationSet !== 'ConfigSet') {
        check.problems.push(`${fixture.name} from another configuration set is delivered too`);
      }
    }
    check.ok = check.problems.length === 0;
    return check;
  });
}
