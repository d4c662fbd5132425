/**
 * Fills a server-rendered form the way a browser would submit it: hidden fields as they are,
 * checked boxes and radios, the values given by name, and every other required field with a plausible value. Small on
 * purpose: it reads our own markup (one tag per line is not assumed), not arbitrary HTML.
 */
export interface FilledForm {
  action: string;
  fields: [string, string][];
}

export function formFields(html: string, formId: string, values: Record<string, string>): FilledForm {
  const form = new RegExp(`<form\\b([^>]*\\bid="${formId}"[^>]*)>([\\s\\S]*?)</form>`).exec(html);
  if (!form) throw new Error(`the page has no form with id "${formId}"`);
  const action = attribute(form[1]!, 'action');
  if (!action) throw new Error(`form "${formId}" has no action`);
  const fields: [string, string][] = [];
  const seen = new Set<string>();
  for (const tag of form[2]!.match(/<(input|textarea|select)\b[^>]*>/g) ?? []) {
    const name = attribute(tag, 'name');
    if (!name || seen.has(name)) continue;
    const type = attribute(tag, 'type') ?? 'text';
    const required = /\srequired(\s|>|=)/.test(tag);
    if (name in values) {
      seen.add(name);
      fields.push([name, values[name]!]);
    } else if (type === 'hidden') {
      fields.push([name, attribute(tag, 'value') ?? '']);
    } else if ((type === 'checkbox' || type === 'radio') && /\schecked(\s|>|=)/.test(tag)) {
      fields.push([name, attribute(tag, 'value') ?? 'on']);
    } else if (required) {
      seen.add(name);
      fields.push([name, type === 'checkbox' || type === 'radio' ? (attribute(tag, 'value') ?? 'on') : 'x']);
    }
  }
  const missing = Object.keys(values).filter((name) => !seen.has(name));
  if (missing.length > 0) throw new Error(`form "${formId}" has no field named ${missing.join(', ')}`);
  return { action, fields };
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match ? decodeEntities(match[1]!) : undefined;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
