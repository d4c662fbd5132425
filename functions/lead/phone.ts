export type PhoneCheck = { ok: true; e164: string } | { ok: false; reason: string };

/**
 * Normalises a phone number to E.164. Numbers without a country code are read as North
 * American (the practice's own country code, passed in), which is what visitors of a
 * Florida practice type; anything else must start with + and its country code.
 */
export function normalisePhone(input: string, defaultCountryCode = '1'): PhoneCheck {
  const value = input.trim();
  if (!/^\+?[0-9 ().\-/]+$/.test(value)) {
    return { ok: false, reason: 'Use digits, spaces, and + ( ) - only' };
  }
  const digits = value.replace(/\D/g, '');
  if (value.startsWith('+')) {
    if (digits.length < 8 || digits.length > 15 || digits.startsWith('0')) {
      return { ok: false, reason: 'Enter an international number as + country code and 8 to 15 digits' };
    }
    return { ok: true, e164: `+${digits}` };
  }
  if (defaultCountryCode === '1') {
    if (digits.length === 10 && /^[2-9]/.test(digits)) return { ok: true, e164: `+1${digits}` };
    if (digits.length === 11 && digits.startsWith('1') && /^[2-9]/.test(digits.slice(1))) {
      return { ok: true, e164: `+${digits}` };
    }
    return { ok: false, reason: 'Enter a 10-digit US number, or + and a country code for other countries' };
  }
  const national = digits.replace(/^0+/, '');
  if (national.length < 6 || national.length > 14) return { ok: false, reason: 'Enter a complete phone number' };
  return { ok: true, e164: `+${defaultCountryCode}${national}` };
}
