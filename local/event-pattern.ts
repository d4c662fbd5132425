/**
 * EventBridge's event pattern matching, which Lambda's event filtering uses too: the local
 * stream mapping filters records with it as the deployed event source mapping does, and
 * `npm run rehearse` checks the template's rules against AWS's documented events with it
 * (no maintained npm package implements it; AWS's own matcher, event-ruler, is Java). It follows "Creating Amazon EventBridge event patterns" and
 * "Comparison operators for use in event patterns" in the EventBridge user guide:
 *
 * - a pattern is an object whose leaves are arrays of alternatives; every field must match;
 * - an event value that is an array matches when any of its elements matches;
 * - alternatives: exact strings, numbers, booleans and null, and the operators `prefix`,
 *   `suffix` (both also with `equals-ignore-case`), `equals-ignore-case`, `anything-but`
 *   (a value, a list, or `prefix`/`suffix`/`wildcard`), `numeric`, `exists`, `wildcard`,
 *   `cidr` (IPv4);
 * - `$or` at any level: any of its sub-patterns.
 *
 * Anything else throws, so a pattern this does not understand fails the rehearsal instead
 * of passing it.
 */
export function matchesPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  return matchObject(pattern, event);
}

export class UnsupportedPatternError extends Error {
  override name = 'UnsupportedPatternError';
}

function matchObject(pattern: Record<string, unknown>, value: unknown): boolean {
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(expected)) throw new UnsupportedPatternError('$or needs a list of patterns');
      if (!expected.some((alternative) => matchObject(alternative as Record<string, unknown>, value))) return false;
      continue;
    }
    const field = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(expected)) {
      if (!matchLeaf(expected, field)) return false;
    } else if (expected !== null && typeof expected === 'object') {
      if (field === null || typeof field !== 'object' || Array.isArray(field)) return false;
      if (!matchObject(expected as Record<string, unknown>, field)) return false;
    } else {
      throw new UnsupportedPatternError(
        `"${key}": a pattern leaf must be a list of values, got ${JSON.stringify(expected)}`,
      );
    }
  }
  return true;
}

/** A leaf: the list of alternatives against the event's value (or each of its values). */
function matchLeaf(alternatives: unknown[], field: unknown): boolean {
  for (const alternative of alternatives) {
    if (isObject(alternative) && 'exists' in alternative) {
      if (alternative.exists === (field !== undefined)) return true;
      continue;
    }
    if (field === undefined) continue;
    const values = Array.isArray(field) ? field : [field];
    if (values.some((value) => matchAlternative(alternative, value))) return true;
  }
  return false;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function matchAlternative(alternative: unknown, value: unknown): boolean {
  if (!isObject(alternative)) return alternative === value;
  const entries = Object.entries(alternative);
  if (entries.length !== 1)
    throw new UnsupportedPatternError(`one operator per object: ${JSON.stringify(alternative)}`);
  const [operator, operand] = entries[0]!;
  switch (operator) {
    case 'prefix':
      return typeof value === 'string' && affix(operand, value, (v, a) => v.startsWith(a));
    case 'suffix':
      return typeof value === 'string' && affix(operand, value, (v, a) => v.endsWith(a));
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === String(operand).toLowerCase();
    case 'wildcard':
      return typeof value === 'string' && wildcard(String(operand), value);
    case 'anything-but':
      return anythingBut(operand, value);
    case 'numeric':
      return typeof value === 'number' && numeric(operand as unknown[], value);
    case 'cidr':
      return typeof value === 'string' && cidr(String(operand), value);
    default:
      throw new UnsupportedPatternError(`operator "${operator}" is not supported by the rehearsal`);
  }
}

function affix(operand: unknown, value: string, test: (value: string, affix: string) => boolean): boolean {
  if (isObject(operand) && 'equals-ignore-case' in operand) {
    return test(value.toLowerCase(), String(operand['equals-ignore-case']).toLowerCase());
  }
  return test(value, String(operand));
}

function wildcard(pattern: string, value: string): boolean {
  const regex = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${regex}$`).test(value);
}

function anythingBut(operand: unknown, value: unknown): boolean {
  if (Array.isArray(operand)) return !operand.includes(value);
  if (isObject(operand)) {
    if (typeof value !== 'string') return false;
    if ('prefix' in operand) return !affix(operand.prefix, value, (v, a) => v.startsWith(a));
    if ('suffix' in operand) return !affix(operand.suffix, value, (v, a) => v.endsWith(a));
    if ('wildcard' in operand) return ![operand.wildcard].flat().some((item) => wildcard(String(item), value));
    if ('equals-ignore-case' in operand) {
      return ![operand['equals-ignore-case']].flat().some((item) => String(item).toLowerCase() === value.toLowerCase());
    }
    throw new UnsupportedPatternError(`anything-but ${JSON.stringify(operand)} is not supported`);
  }
  return operand !== value;
}

function numeric(conditions: unknown[], value: number): boolean {
  for (let i = 0; i < conditions.length; i += 2) {
    const [operator, bound] = [String(conditions[i]), Number(conditions[i + 1])];
    const holds =
      operator === '='
        ? value === bound
        : operator === '<'
          ? value < bound
          : operator === '<='
            ? value <= bound
            : operator === '>'
              ? value > bound
              : operator === '>='
                ? value >= bound
                : undefined;
    if (holds === undefined) throw new UnsupportedPatternError(`numeric operator "${operator}" is not supported`);
    if (!holds) return false;
  }
  return true;
}

function cidr(range: string, address: string): boolean {
  const toNumber = (ip: string) => ip.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
  const [base, bits] = range.split('/');
  if (!base || !/^\d+\.\d+\.\d+\.\d+$/.test(address)) return false;
  const mask = Number(bits ?? 32);
  const size = 2 ** (32 - mask);
  return Math.floor(toNumber(address) / size) === Math.floor(toNumber(base) / size);
}
