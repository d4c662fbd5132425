// Progressive enhancement for the consultation form. Without this file the form still posts
// and the server answers with the same page and the problems inline, so nothing here is required.
(() => {
  const form = document.getElementById('lead-form');
  const summary = document.getElementById('error-summary');
  const status = document.getElementById('form-status');
  if (!(form instanceof HTMLFormElement) || !summary || !status || !window.fetch) return;

  const UTM_FIELDS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'];
  // The server's limits: values a visitor cannot see or fix must never make the form fail.
  const LIMITS = { timeZone: 64, landingPath: 300, referrer: 500, utm: 100 };
  const MESSAGES = {
    busy: 'We are receiving a lot of requests just now. Please wait a minute, then send the form again.',
    retry: 'Sorry, we could not send your request just now. Your answers are still here: please try again in a moment.',
    rejected: 'We could not send your request. Please check your answers and try again.',
  };
  const baseTitle = document.title.replace(/^Error: /, '');
  let sending = false;

  function setContext(name, value, max) {
    const input = form.elements.namedItem(name);
    const clean = String(value || '').replace(/[\p{Cc}\u2028\u2029]/gu, '');
    if (input instanceof HTMLInputElement && clean && clean.length <= max) input.value = clean;
  }

  function fillContext() {
    try {
      setContext('timeZone', Intl.DateTimeFormat().resolvedOptions().timeZone, LIMITS.timeZone);
    } catch {
      // No time zone: the practice's own is used for scheduling instead.
    }
    // A page the server re-rendered after a failed post already carries the original visit's context.
    if (!summary.hidden) return;
    const params = new URLSearchParams(location.search);
    for (const name of UTM_FIELDS) setContext(name, (params.get(name) || '').slice(0, LIMITS.utm), LIMITS.utm);
    setContext('landingPath', location.pathname, LIMITS.landingPath);
    setContext('referrer', document.referrer, LIMITS.referrer);
  }

  function toJson(data) {
    const body = { interests: [] };
    for (const [name, value] of data) {
      if (typeof value !== 'string') continue;
      if (name === 'interests') body.interests.push(value);
      else if (name === 'consent') body.consent = true;
      else body[name] = value;
    }
    return body;
  }

  function removeToken(element, attribute, token) {
    const rest = (element.getAttribute(attribute) || '').split(/\s+/).filter((t) => t && t !== token);
    if (rest.length) element.setAttribute(attribute, rest.join(' '));
    else element.removeAttribute(attribute);
  }

  function clearErrors() {
    for (const message of form.querySelectorAll('.field-error')) {
      for (const element of form.querySelectorAll(`[aria-describedby~="${message.id}"]`)) {
        removeToken(element, 'aria-describedby', message.id);
      }
      message.remove();
    }
    for (const wrapper of form.querySelectorAll('.field--error')) wrapper.classList.remove('field--error');
    for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
    summary.hidden = true;
    summary.removeAttribute('autofocus');
    summary.querySelector('ul').replaceChildren();
    document.title = baseTitle;
    status.textContent = '';
  }

  function markField(wrapper, field, message) {
    const error = document.createElement('p');
    error.className = 'field-error';
    error.id = `${field}-error`;
    const prefix = document.createElement('span');
    prefix.className = 'visually-hidden';
    prefix.textContent = 'Error: ';
    error.append(prefix, message);
    wrapper.querySelector('.control').before(error);
    wrapper.classList.add('field--error');
    for (const input of wrapper.querySelectorAll('input, textarea')) input.setAttribute('aria-invalid', 'true');
    // Groups are described as a whole; single fields on the input itself, as the server renders them.
    const described = wrapper.tagName === 'FIELDSET' ? wrapper : wrapper.querySelector('input, textarea');
    const tokens = (described.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    described.setAttribute('aria-describedby', [...tokens, error.id].join(' '));
  }

  function showErrors(fields) {
    const list = summary.querySelector('ul');
    for (const problem of fields) {
      if (!problem || typeof problem.field !== 'string' || typeof problem.message !== 'string') continue;
      const item = document.createElement('li');
      const wrapper = form.querySelector(`[data-field="${CSS.escape(problem.field)}"]`);
      if (wrapper && !wrapper.classList.contains('field--error')) {
        markField(wrapper, problem.field, problem.message);
        const link = document.createElement('a');
        link.href = `#${wrapper.querySelector('input, textarea').id}`;
        link.textContent = problem.message;
        item.append(link);
      } else {
        item.textContent = problem.message;
      }
      list.append(item);
    }
    summary.hidden = false;
    document.title = `Error: ${baseTitle}`;
    summary.focus();
  }

  // What the server accepts, as far as a browser can tell; the server checks again on submit.
  const PHONE = /^\+?[0-9 ().\-/]+$/;
  const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

  function isValid(wrapper) {
    const inputs = Array.from(wrapper.querySelectorAll('input, textarea'));
    if (wrapper.tagName === 'FIELDSET') return inputs.some((input) => input.checked);
    const input = inputs[0];
    if (!input) return false;
    if (input.type === 'checkbox') return input.checked;
    const value = input.value.trim();
    if (!input.checkValidity() || (input.required && !value)) return false;
    if (input.type === 'email') return EMAIL.test(value);
    if (input.type === 'tel') {
      const digits = value.replace(/\D/g, '').length;
      return PHONE.test(value) && digits >= 10 && digits <= 15;
    }
    return true;
  }

  // The error of a field the visitor has just fixed goes at once, from the field and the summary.
  function clearFixed(event) {
    const wrapper = event.target instanceof Element ? event.target.closest('[data-field]') : null;
    if (!wrapper?.classList.contains('field--error') || !isValid(wrapper)) return;
    const message = wrapper.querySelector('.field-error');
    if (message) {
      for (const element of form.querySelectorAll(`[aria-describedby~="${message.id}"]`)) {
        removeToken(element, 'aria-describedby', message.id);
      }
      message.remove();
    }
    wrapper.classList.remove('field--error');
    for (const input of wrapper.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
    for (const link of summary.querySelectorAll('a[href^="#"]')) {
      const target = document.getElementById(link.getAttribute('href').slice(1));
      if (target && wrapper.contains(target)) link.closest('li')?.remove();
    }
    if (!summary.querySelector('li')) {
      summary.hidden = true;
      summary.removeAttribute('autofocus');
      document.title = baseTitle;
    }
  }

  async function readJson(response) {
    try {
      return await response.json();
    } catch {
      return null;
    }
  }

  async function submit(event) {
    event.preventDefault();
    if (sending) return;
    sending = true;
    let leaving = false;
    form.setAttribute('aria-busy', 'true');
    clearErrors();
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(toJson(new FormData(form))),
      });
      if (response.ok) {
        leaving = true;
        location.assign(form.dataset.successUrl || '/thank-you/');
        return;
      }
      const body = response.status < 500 ? await readJson(response) : null;
      if (response.status === 400 && body && Array.isArray(body.fields) && body.fields.length) showErrors(body.fields);
      else if (response.status === 429) status.textContent = MESSAGES.busy;
      else if (response.status >= 500) status.textContent = MESSAGES.retry;
      else status.textContent = (body && typeof body.message === 'string' && body.message) || MESSAGES.rejected;
    } catch {
      status.textContent = MESSAGES.retry;
    } finally {
      // Stays locked while the thank-you page loads, so a second click cannot post twice.
      if (!leaving) {
        sending = false;
        form.removeAttribute('aria-busy');
      }
    }
  }

  // Moves focus to the field and keeps its label in view, which a bare fragment jump does not.
  summary.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[href^="#"]') : null;
    const target = link ? document.getElementById(link.getAttribute('href').slice(1)) : null;
    if (!target) return;
    event.preventDefault();
    target.closest('[data-field]')?.scrollIntoView();
    target.focus({ preventScroll: true });
  });

  fillContext();
  form.addEventListener('submit', submit);
  form.addEventListener('input', clearFixed);
  form.addEventListener('change', clearFixed);
})();
