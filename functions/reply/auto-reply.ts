/** A header as the message carries it (names compared case-insensitively). */
export interface MessageHeader {
  name: string;
  value: string;
}

const OUT_OF_OFFICE_SUBJECT =
  /^\s*(auto(matic)?[ -]?(reply|response|antwort)|out of (the )?office|ooo\b|away from (the )?office|on (annual )?leave|abwesenheit|r[ée]ponse automatique|respuesta autom[áa]tica|risposta automatica|absence)/i;
const OUT_OF_OFFICE_BODY =
  /^\s*(thank you for your (e-?mail|message)[.,!]?\s*)?(i am|i'm|i will be) (currently )?(out of (the )?office|away|on (annual )?leave|on vacation|on holiday)/i;

/**
 * Why a message looks machine-sent (an out-of-office, a list or bulk mailer), or undefined for
 * a person's reply. RFC 3834 (Auto-Submitted), the de-facto X-Autoreply / X-Autorespond,
 * Precedence bulk/junk/list/auto_reply, a null return path, and the common out-of-office wordings.
 */
export function autoReplyReason(
  headers: MessageHeader[],
  subject: string | undefined,
  text: string,
): string | undefined {
  const header = (name: string) =>
    headers
      .find((candidate) => candidate.name.toLowerCase() === name)
      ?.value.trim()
      .toLowerCase();
  const autoSubmitted = header('auto-submitted');
  if (autoSubmitted && autoSubmitted !== 'no') {
    // RFC 3834's keywords only: the reason is logged, and a header can carry anything.
    const keyword = autoSubmitted.split(/[;\s]/)[0] ?? '';
    return `Auto-Submitted: ${/^auto-(generated|replied|notified)$/.test(keyword) ? keyword : 'other'}`;
  }
  if (header('x-autoreply') !== undefined) return 'X-Autoreply';
  if (header('x-autorespond') !== undefined) return 'X-Autorespond';
  const precedence = header('precedence');
  if (precedence && /^(bulk|junk|list|auto_reply)$/.test(precedence)) return `Precedence: ${precedence}`;
  if (header('list-id') !== undefined) return 'List-Id (a mailing list)';
  if (header('return-path') === '<>') return 'Null return path (a delivery report)';
  if (subject && OUT_OF_OFFICE_SUBJECT.test(subject)) return 'Out-of-office subject';
  if (OUT_OF_OFFICE_BODY.test(text)) return 'Out-of-office wording';
  return undefined;
}
