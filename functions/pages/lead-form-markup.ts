import { CURRENT_CONSENT_VERSION, consentText } from '../consent/consent-text';
import { CONTACT_METHODS, INTERESTS } from '../lead/interests';
import { HONEYPOT_FIELD } from '../lead/lead-form';
import type { FieldProblem } from '../shared/errors';
import { html, type SafeHtml } from './html';
import type { Practice } from './layout';

export type FormValues = Record<string, string | string[] | undefined>;

export const THANK_YOU_PATH = '/thank-you/';

/** Filled by app.js from the page and its URL; rendered so a failed no-JS post keeps them. */
const CONTEXT_FIELDS = [
  'timeZone',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'landingPath',
  'referrer',
] as const;

/** Where an error summary link sends focus: the field itself, or the first box of a group. */
const FOCUS_TARGETS: Record<string, string> = {
  firstName: 'firstName',
  lastName: 'lastName',
  email: 'email',
  phone: 'phone',
  interests: `interests-${Object.keys(INTERESTS)[0]}`,
  preferredContact: `preferredContact-${Object.keys(CONTACT_METHODS)[0]}`,
  message: 'message',
  consent: 'consent',
};

export interface LeadFormOptions {
  practice: Practice;
  values: FormValues;
  errors: FieldProblem[];
  formAction: string;
  landingPath: string;
}

interface State {
  values: FormValues;
  errors: Map<string, string>;
}

const first = (values: FormValues, name: string): string => {
  const value = values[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
};
const all = (values: FormValues, name: string): string[] => {
  const value = values[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
};
const ids = (...list: (string | false | undefined)[]) => list.filter(Boolean).join(' ') || undefined;
const attr = (name: string, value: string | undefined) => (value === undefined ? '' : html` ${name}="${value}"`);

function errorMessage(name: string, state: State): SafeHtml | '' {
  const message = state.errors.get(name);
  if (message === undefined) return '';
  return html`<p class="field-error" id="${name}-error"><span class="visually-hidden">Error: </span>${message}</p>`;
}

interface TextFieldSpec {
  name: string;
  label: string;
  type: 'text' | 'email' | 'tel';
  autocomplete: string;
  maxLength: number;
  required?: boolean;
  hint?: string;
}

function textField(spec: TextFieldSpec, state: State): SafeHtml {
  const invalid = state.errors.has(spec.name);
  const hintId = spec.hint ? `${spec.name}-hint` : undefined;
  return html`<div class="field${invalid ? ' field--error' : ''}" data-field="${spec.name}">
<label for="${spec.name}">${spec.label}${spec.required ? '' : ' (optional)'}</label>
${spec.hint ? html`<p class="hint" id="${hintId}">${spec.hint}</p>` : ''}
${errorMessage(spec.name, state)}
<input class="control" id="${spec.name}" name="${spec.name}" type="${spec.type}" autocomplete="${spec.autocomplete}" maxlength="${spec.maxLength}"${spec.type === 'email' ? html` spellcheck="false"` : ''}${spec.required ? html` required` : ''} value="${first(state.values, spec.name)}"${invalid ? html` aria-invalid="true"` : ''}${attr('aria-describedby', ids(hintId, invalid && `${spec.name}-error`))}>
</div>`;
}

function choiceGroup(
  spec: { name: string; type: 'checkbox' | 'radio'; legend: string; hint: string; options: Record<string, string> },
  checked: string[],
  state: State,
): SafeHtml {
  const invalid = state.errors.has(spec.name);
  const choices = Object.entries(spec.options).map(
    ([value, label]) => html`<div class="choice">
<input id="${spec.name}-${value}" name="${spec.name}" type="${spec.type}" value="${value}"${checked.includes(value) ? html` checked` : ''}${invalid ? html` aria-invalid="true"` : ''}>
<label for="${spec.name}-${value}">${label}</label>
</div>`,
  );
  return html`<fieldset class="field${invalid ? ' field--error' : ''}" data-field="${spec.name}"${attr('aria-describedby', ids(`${spec.name}-hint`, invalid && `${spec.name}-error`))}>
<legend>${spec.legend}</legend>
<p class="hint" id="${spec.name}-hint">${spec.hint}</p>
${errorMessage(spec.name, state)}
<div class="choices control">${choices}</div>
</fieldset>`;
}

function errorSummary(errors: FieldProblem[]): SafeHtml {
  const items = errors.map(({ field, message }) => {
    const target = FOCUS_TARGETS[field];
    return target ? html`<li><a href="#${target}">${message}</a></li>` : html`<li>${message}</li>`;
  });
  // autofocus brings a no-JS visitor straight to the problems after the server re-renders the page.
  return html`<section class="error-summary" id="error-summary" tabindex="-1" aria-labelledby="error-summary-title"${errors.length ? html` autofocus` : html` hidden`}>
<h3 id="error-summary-title">There is a problem</h3>
<ul>${items}</ul>
</section>`;
}

export function renderLeadForm(options: LeadFormOptions): SafeHtml {
  const { values, practice } = options;
  const state: State = { values, errors: new Map() };
  for (const problem of options.errors)
    if (!state.errors.has(problem.field)) state.errors.set(problem.field, problem.message);
  const consentInvalid = state.errors.has('consent');
  const consentChecked = ['on', 'true'].includes(first(values, 'consent').toLowerCase());
  const context = CONTEXT_FIELDS.map((name) => {
    const value = first(values, name) || (name === 'landingPath' ? options.landingPath : '');
    return html`<input type="hidden" name="${name}" value="${value}">`;
  });

  return html`${errorSummary(options.errors)}
<form id="lead-form" class="lead-form" method="post" action="${options.formAction}" enctype="application/x-www-form-urlencoded" novalidate data-success-url="${THANK_YOU_PATH}">
${textField({ name: 'firstName', label: 'First name', type: 'text', autocomplete: 'given-name', maxLength: 60, required: true }, state)}
${textField({ name: 'lastName', label: 'Last name', type: 'text', autocomplete: 'family-name', maxLength: 60 }, state)}
${textField({ name: 'email', label: 'Email address', type: 'email', autocomplete: 'email', maxLength: 254, required: true, hint: 'We will send a confirmation to this address.' }, state)}
${textField({ name: 'phone', label: 'Phone number', type: 'tel', autocomplete: 'tel', maxLength: 30, hint: 'Needed if you would like a call or a text.' }, state)}
${choiceGroup({ name: 'interests', type: 'checkbox', legend: 'What would you like to talk about?', hint: 'Choose one or more.', options: INTERESTS }, all(values, 'interests'), state)}
${choiceGroup({ name: 'preferredContact', type: 'radio', legend: 'How should we contact you?', hint: 'Choose one.', options: CONTACT_METHODS }, [first(values, 'preferredContact') || 'email'], state)}
<div class="field${state.errors.has('message') ? ' field--error' : ''}" data-field="message">
<label for="message">Anything you would like us to know? (optional)</label>
<p class="hint" id="message-hint">Up to 1000 characters. Please leave out medical details; there is time for those at the consultation.</p>
${errorMessage('message', state)}
<textarea class="control" id="message" name="message" rows="4" maxlength="1000"${state.errors.has('message') ? html` aria-invalid="true"` : ''} aria-describedby="${ids('message-hint', state.errors.has('message') && 'message-error')}">${first(values, 'message')}</textarea>
</div>
<div class="field field--consent${consentInvalid ? ' field--error' : ''}" data-field="consent">
${errorMessage('consent', state)}
<div class="choice control">
<input id="consent" name="consent" type="checkbox" value="on" required${consentChecked ? html` checked` : ''}${consentInvalid ? html` aria-invalid="true" aria-describedby="consent-error"` : ''}>
<label for="consent">${consentText(CURRENT_CONSENT_VERSION, practice.name)}</label>
</div>
</div>
<input type="hidden" name="consentVersion" value="${CURRENT_CONSENT_VERSION}">
${context}
<div class="hp" aria-hidden="true">
<label for="${HONEYPOT_FIELD}">Leave this field empty</label>
<input id="${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" type="text" tabindex="-1" autocomplete="off" value="">
</div>
<p id="form-status" class="form-status" role="status"></p>
<button type="submit" class="button">Request my consultation</button>
</form>`;
}
