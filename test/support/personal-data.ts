import { createHash } from 'node:crypto';

/** What must never appear in a log line: the project's privacy rule, as patterns. */
export const PERSONAL_DATA_PATTERNS: [string, RegExp][] = [
  ['an email address', /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/],
  ['a phone number', /\+\d{8,15}\b|\(\d{3}\)\s?\d{3}-\d{4}/],
  ['a test lead name', /\b(Dana|Dani|Whitfield|Zebulonia|Quaxworth|Morgan|Robin)\b/],
  ['an unsubscribe token or link', /u[12]\.[\w-]{10,}\.[\w~.-]{20,}|\/u\/u[12]\./],
  ['an opt-in link', /\/confirm\/[\w-]{20,}/],
  ['a bearer token (JWT)', /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/],
  ['a signed URL', /X-Amz-Signature=|[?&](sig|signature|token)=[\w%-]{16,}/i],
];

/**
 * Names and other values a test gives its leads, beyond the fixed ones above: the harnesses
 * register them (validLead, the console's test people), so a log line that carries one fails.
 */
const registered = new Set<string>();

export function registerPersonalData(...values: (string | undefined)[]): void {
  for (const value of values) {
    // Short or common tokens would match ordinary words in log lines.
    if (value && value.trim().length >= 4) registered.add(value.trim());
  }
}

function registeredIn(line: string): string | undefined {
  for (const value of registered) if (line.includes(value)) return value;
  return undefined;
}

/**
 * The unkeyed SHA-256 lead ids and suppression hashes of the addresses tests use (what the code
 * stored and logged before keyed ids): anyone can compute one from a guessed address, so one in
 * a log line would confirm that the person is a lead. Computed here, not with the code under test.
 */
const unkeyedHashes = new Set<string>();

export function registerTestAddress(address: string): void {
  // Normalised as the form does for ordinary test addresses: trimmed and lower-cased.
  const normalised = address.trim().toLowerCase().replace(/\.$/, '');
  unkeyedHashes.add(createHash('sha256').update(`lead:${normalised}`).digest('base64url').slice(0, 26));
  unkeyedHashes.add(createHash('sha256').update(`suppress:${normalised}`).digest('base64url'));
}

function unkeyedHashIn(line: string): boolean {
  for (const hash of unkeyedHashes) if (line.includes(hash)) return true;
  return false;
}

/** Each offending line, named by what it contains. */
export function personalDataIn(text: string): string[] {
  return text.split('\n').flatMap((line) => {
    const found = PERSONAL_DATA_PATTERNS.filter(([, pattern]) => pattern.test(line)).map(
      ([what]) => `${what} in: ${line.slice(0, 200)}`,
    );
    if (unkeyedHashIn(line)) found.push(`an unkeyed hash of a test address in: ${line.slice(0, 200)}`);
    const value = registeredIn(line);
    if (value) found.push(`a value a test gave a lead ("${value}") in: ${line.slice(0, 200)}`);
    return found;
  });
}
