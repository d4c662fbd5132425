const EMAIL = /[^\s@<>"'(),;:]+@[^\s@<>"'(),;:]+/g;
const LONG_DIGITS = /\+?\d[\d\s().-]{6,}\d/g;
const URL = /https?:\/\/\S+/g;

/**
 * Error messages from AWS can quote the recipient ("...failed the check: jane@example.com")
 * or a URL with a token. Whatever reaches a log line goes through here first.
 */
export function redact(text: string | undefined): string | undefined {
  return text?.replace(URL, '[url]').replace(EMAIL, '[email]').replace(LONG_DIGITS, '[number]');
}

export function errorFields(error: unknown): { errorName: string; errorMessage?: string } {
  if (error instanceof Error) return { errorName: error.name, errorMessage: redact(error.message) };
  return { errorName: typeof error };
}
