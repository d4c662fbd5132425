import { getGrantReasons, runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { UNMAPPED } from '../functions/adapters/aws-call-description';
import { UNLABELLED } from '../functions/adapters/aws-call-recorder';
import type { CallToCheck } from './calls';
import { UnresolvableError } from './intrinsics';
import { lambdaServiceCalls } from './service-calls';
import {
  type LambdaFunction,
  lambdaFunctions,
  type PolicyDocumentRef,
  referencedId,
  resourcesOfType,
  type SynthesizedStack,
} from './stack';

export interface Denial {
  function: string;
  origin: string;
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
  /** The statement that would have to change, and how. */
  statement: string;
}

export interface UnusedGrant {
  function: string;
  action: string;
  resource: string;
  statement: string;
}

export interface IamReport {
  /** Distinct calls evaluated (a call on two resources counts once). */
  distinctCalls: number;
  /** Calls the tests made, all told. */
  callsMade: number;
  /** Simulations run: one per call and resource. */
  simulations: number;
  /** Distinct calls per function label, for the functions of the stack. */
  perFunction: Record<string, number>;
  /** Node.js functions of the stack with no call recorded by the tests. */
  uncovered: string[];
  denied: Denial[];
  unused: UnusedGrant[];
  /** Calls that could not be evaluated (a resource not named by a setting, an unknown setting ...). */
  problems: string[];
  /** Recorded for functions this stack does not deploy (e.g. confirm-opt-in with single opt-in). */
  notInStack: Record<string, number>;
  /** Functions whose code is not ours (CDK's Python handlers): their grants are not checked for use. */
  notRecorded: string[];
  /** Context keys the simulator dropped because the action does not support them. */
  ignoredContextKeys: string[];
}

const statementsOf = (policy: PolicyDocumentRef) => policy.document.Statement;
const list = (value: unknown): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];

/** IAM's wildcard match: `*` any run, `?` one character; actions ignore case, resources do not. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, ignoreCase ? 'i' : '').test(value);
}

/** A statement as a reader finds it in the template: policy, construct path, index. */
function describeStatement(policy: PolicyDocumentRef, index: number): string {
  const statement = statementsOf(policy)[index]!;
  const sid = statement.Sid ? ` "${statement.Sid}"` : '';
  return `${policy.id} statement ${index + 1}${sid}${policy.path ? ` (${policy.path})` : ''}`;
}

/** `${env:NAME|transform}` and `${AWS::...}` in a recorded value, from the function's template. */
export function resolvePlaceholders(stack: SynthesizedStack, fn: LambdaFunction, value: string): string {
  return value.replace(/\$\{([^}]+)\}/g, (_whole, expression: string) => {
    if (expression.startsWith('AWS::')) return String(stack.resolver.ref(expression));
    const [source, transform] = expression.split('|');
    if (!source?.startsWith('env:')) throw new UnresolvableError(`unknown placeholder \${${expression}}`);
    const name = source.slice('env:'.length);
    if (!(name in fn.environment)) {
      throw new UnresolvableError(`${fn.label} reads ${name}, which its environment in the template does not set`);
    }
    const resolved = stack.resolver.resolveString(fn.environment[name]);
    if (transform === 'domain') return resolved.slice(resolved.lastIndexOf('@') + 1).toLowerCase();
    if (transform === 'queue-name') return resolved.slice(resolved.lastIndexOf('/') + 1);
    return resolved;
  });
}

/** Resource policies that AWS evaluates with the identity policy for the same account. */
function resourcePolicies(stack: SynthesizedStack): Map<string, unknown> {
  const { resolver } = stack;
  const policies = new Map<string, unknown>();
  for (const [, policy] of resourcesOfType(stack, 'AWS::SQS::QueuePolicy')) {
    for (const queue of (policy.Properties?.Queues ?? []) as unknown[]) {
      const id = referencedId(queue);
      if (id) policies.set(String(resolver.getAtt(id, 'Arn')), resolver.resolve(policy.Properties?.PolicyDocument));
    }
  }
  for (const [, policy] of resourcesOfType(stack, 'AWS::SecretsManager::ResourcePolicy')) {
    policies.set(
      resolver.resolveString(policy.Properties?.SecretId),
      resolver.resolve(policy.Properties?.ResourcePolicy),
    );
  }
  return policies;
}

interface Resolved {
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
}

function resolveCall(stack: SynthesizedStack, fn: LambdaFunction, call: CallToCheck): Resolved[] {
  const context: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(call.context)) {
    context[key] = Array.isArray(value)
      ? value.map((item) => resolvePlaceholders(stack, fn, item))
      : resolvePlaceholders(stack, fn, value);
  }
  return call.resources.map((resource) => {
    const concrete = resolvePlaceholders(stack, fn, resource);
    if (concrete.includes(UNMAPPED) || JSON.stringify(context).includes(UNMAPPED)) {
      throw new UnresolvableError(
        `${fn.label} ${call.service}:${call.action} names a resource or value that is not one of its settings ` +
          `(${resource}); the deployed function would not have it`,
      );
    }
    return { action: `${call.service}:${call.action}`, resource: concrete, context };
  });
}

/** Why an implicit denial happened, and which statement would have to change. */
function adviseOn(fn: LambdaFunction, request: Resolved): string {
  const candidates: string[] = [];
  for (const policy of fn.policies) {
    statementsOf(policy).forEach((statement, index) => {
      if (statement.Effect !== 'Allow') return;
      const actionMatch = list(statement.Action).some((action) => wildcardMatch(action, request.action, true));
      const resources = list(statement.Resource);
      const resourceMatch = resources.some((resource) => wildcardMatch(resource, request.resource));
      if (actionMatch && resourceMatch) {
        candidates.push(
          `${describeStatement(policy, index)}: its Condition ${JSON.stringify(statement.Condition)} does not hold`,
        );
      } else if (actionMatch) {
        candidates.push(
          `${describeStatement(policy, index)}: grants ${request.action} only on ${resources.join(', ')}`,
        );
      }
    });
  }
  if (candidates.length > 0) return candidates.join('; ');
  for (const policy of fn.policies) {
    const index = statementsOf(policy).findIndex(
      (statement) =>
        statement.Effect === 'Allow' &&
        list(statement.Resource).some((resource) => wildcardMatch(resource, request.resource)),
    );
    if (index >= 0)
      return `${describeStatement(policy, index)}: add ${request.action} (it grants other actions on this resource)`;
  }
  const policy = fn.policies[0];
  return policy
    ? `no statement grants ${request.action}: add one to ${policy.id}${policy.path ? ` (${policy.path})` : ''}`
    : `the role of ${fn.label} has no policy: grant ${request.action} in the construct`;
}

interface GrantUse {
  policy: PolicyDocumentRef;
  index: number;
  action: string;
  resource: string;
  used: boolean;
}

function grantsOf(fn: LambdaFunction): GrantUse[] {
  return fn.policies.flatMap((policy) =>
    statementsOf(policy).flatMap((statement, index) =>
      statement.Effect !== 'Allow'
        ? []
        : list(statement.Action).flatMap((action) =>
            list(statement.Resource).map((resource) => ({ policy, index, action, resource, used: false })),
          ),
    ),
  );
}

export async function checkIam(stack: SynthesizedStack, recorded: CallToCheck[]): Promise<IamReport> {
  const functions = lambdaFunctions(stack);
  const byLabel = new Map(functions.map((fn) => [fn.label, fn]));
  const policies = resourcePolicies(stack);
  const report: IamReport = {
    distinctCalls: 0,
    callsMade: 0,
    simulations: 0,
    perFunction: {},
    uncovered: [],
    denied: [],
    unused: [],
    problems: [],
    notInStack: {},
    notRecorded: [],
    ignoredContextKeys: [],
  };
  const ignored = new Set<string>();

  for (const call of recorded) {
    if (call.function === UNLABELLED) continue;
    if (!byLabel.has(call.function)) report.notInStack[call.function] = (report.notInStack[call.function] ?? 0) + 1;
  }

  for (const fn of functions) {
    const grants = grantsOf(fn);
    const own = recorded.filter((call) => call.function === fn.label);
    const isNode = fn.runtime.startsWith('nodejs');
    if (isNode && own.length === 0) report.uncovered.push(fn.label);
    report.perFunction[fn.label] = own.length;
    const calls = [...own, ...lambdaServiceCalls(stack, fn)];

    for (const call of calls) {
      report.distinctCalls++;
      if (call.origin === 'tests') report.callsMade += call.count;
      let requests: Resolved[];
      try {
        requests = resolveCall(stack, fn, call);
      } catch (error) {
        report.problems.push((error as Error).message);
        continue;
      }
      for (const request of requests) {
        const simulation: Simulation = {
          request: {
            principal: fn.roleArn,
            action: request.action,
            resource: { resource: request.resource, accountId: stack.resolver.account },
            // Every SDK call in Lambda goes over TLS; the queues deny anything else.
            contextVariables: { 'aws:SecureTransport': 'true', ...request.context },
          },
          identityPolicies: fn.policies.map((policy) => ({ name: policy.id, policy: policy.document })),
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          ...(policies.has(request.resource) ? { resourcePolicy: policies.get(request.resource) } : {}),
        };
        report.simulations++;
        const result = await runSimulation(simulation, {});
        if (result.resultType === 'error') {
          report.problems.push(
            `${fn.label} ${request.action} on ${request.resource}: the simulator refused it (${result.errors.message})`,
          );
          continue;
        }
        const single = result.resultType === 'single' ? result.result : result.results[0];
        for (const key of single?.ignoredContextKeys ?? []) ignored.add(`${request.action} ${key}`);
        if (result.overallResult !== 'Allowed' || !single) {
          report.denied.push({
            function: fn.label,
            origin: call.origin,
            action: request.action,
            resource: request.resource,
            context: request.context,
            statement: adviseOn(fn, request),
          });
          continue;
        }
        for (const reason of getGrantReasons(single.analysis)) {
          if (reason.policyType !== 'identity') continue;
          for (const grant of grants) {
            if (
              grant.policy.id === reason.policyIdentifier &&
              grant.index === reason.statementIndex - 1 &&
              wildcardMatch(grant.action, request.action, true) &&
              wildcardMatch(grant.resource, request.resource)
            ) {
              grant.used = true;
            }
          }
        }
      }
    }
    // CDK's own handlers (the site deployment's Python function) make calls no test records.
    if (!isNode) {
      report.notRecorded.push(fn.label);
      continue;
    }
    for (const grant of grants.filter((candidate) => !candidate.used)) {
      report.unused.push({
        function: fn.label,
        action: grant.action,
        resource: grant.resource,
        statement: describeStatement(grant.policy, grant.index),
      });
    }
  }
  report.ignoredContextKeys = [...ignored].sort();
  return report;
}
