import { INTERESTS } from '../lead/interests';

/**
 * The lead's chosen topics as words for the `{{interests}}` placeholder, e.g. "hair
 * restoration and small-joint injections". Unknown ids are skipped; none gives "" so the
 * template's fallback applies.
 */
export function formatInterests(ids: readonly string[]): string {
  const labels = ids
    .filter((id): id is keyof typeof INTERESTS => Object.hasOwn(INTERESTS, id))
    .map((id) => lowerFirst(INTERESTS[id]));
  if (labels.length <= 1) return labels[0] ?? '';
  return `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
}

// Labels are written for a form ("Hair restoration"); mid-sentence they read lower-case,
// except where the label starts with a name such as "Fraxel".
function lowerFirst(label: string): string {
  return /^[A-Z][a-z]/.test(label) && !/^(Fraxel|RF)\b/.test(label) ? label[0]!.toLowerCase() + label.slice(1) : label;
}
