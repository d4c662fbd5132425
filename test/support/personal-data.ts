/** What must never appear in a log line: the project's privacy rule, as patterns. */
export const PERSONAL_DATA_PATTERNS: [string, RegExp][] = [
  ['an email address', /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/],
  ['a phone number', /\+\d{8,15}\b|\(\d{3}\)\s?\d{3}-\d{4}/],
  ['a test lead name', /\b(Dana|Dani|Whitfield|Zebulonia|Quaxworth|Morgan|Robin)\b/],
  ['an unsubscribe token or link', /u1\.[\w-]{10,}\.[\w-]{20,}|\/u\/u1\./],
  ['an opt-in link', /\/confirm\/[\w-]{20,}/],
];

/** Each offending line, named by what it contains. */
export function personalDataIn(text: string): string[] {
  return text
    .split('\n')
    .flatMap((line) =>
      PERSONAL_DATA_PATTERNS.filter(([, pattern]) => pattern.test(line)).map(
        ([what]) => `${what} in: ${line.slice(0, 200)}`,
      ),
    );
}
