import type { PageFactory } from '../app';
import { h, replace } from '../dom';
import { timeElement } from '../format';
import { dataTable } from '../table';
import { busy, button, confirmDialog, errorRegion, field, input, pageHeading, scrollTable, statusRegion } from '../ui';

interface Endpoint {
  endpointId: string;
  url: string;
  events: string[];
  enabled: boolean;
  createdAt: string;
  disabledAt?: string;
  disabledReason?: string;
}
interface EndpointList {
  endpoints: Endpoint[];
  events: string[];
  httpAllowed: boolean;
}
interface Delivery {
  eventId: string;
  type: string;
  status: string;
  attempts: number;
  lastAttemptAt?: string;
  lastResponseCode?: number;
  lastError?: string;
  nextAttemptAt?: string;
  createdAt: string;
}

/**
 * Outgoing webhooks (admins): register an endpoint (its secret is shown once), rotate the
 * secret, send a test event, turn it off or on, and read its delivery log: status, attempts,
 * the last response code, never a body.
 */
export const webhooksPage: PageFactory = ({ ctx }) => {
  const status = statusRegion();
  const errors = errorRegion();
  const list = h('div', { class: 'webhook-list' });
  const secretPanel = h('div', { 'aria-live': 'polite' });
  const url = input({ type: 'url', name: 'url', required: true, placeholder: 'https://crm.example.com/hooks' });
  const eventBoxes = h('fieldset', { class: 'field' }, h('legend', null, 'Events'));
  const add = button('Add endpoint', { class: 'button--primary', type: 'submit' });
  const form = h(
    'form',
    { class: 'panel', novalidate: true },
    h('h2', null, 'Add an endpoint'),
    field(url, { label: 'URL', hint: 'https only; the address it resolves to must be public.' }),
    eventBoxes,
    add,
  );

  const showSecret = (secret: string, what: string) =>
    replace(
      secretPanel,
      h(
        'section',
        { class: 'panel notice', role: 'status' },
        h('h2', null, what),
        h('p', null, 'Copy it into the receiver now: it is not shown again.'),
        h('code', { class: 'secret' }, secret),
      ),
    );

  async function deliveriesOf(endpoint: Endpoint, target: HTMLElement) {
    const { deliveries } = await ctx.api.request<{ deliveries: Delivery[] }>(
      `/webhooks/${encodeURIComponent(endpoint.endpointId)}/deliveries`,
    );
    const table = dataTable({
      caption: 'Deliveries to this endpoint',
      captionHidden: true,
      columns: ['Event', 'Status', 'Attempts', 'Last response', 'Last attempt', 'Next attempt'],
      rows: deliveries.map((delivery) =>
        h(
          'tr',
          { 'data-status': delivery.status },
          h('td', null, delivery.type),
          h('td', null, delivery.status),
          h('td', { class: 'number' }, String(delivery.attempts)),
          h('td', null, delivery.lastResponseCode ? String(delivery.lastResponseCode) : (delivery.lastError ?? '–')),
          h('td', null, timeElement(delivery.lastAttemptAt)),
          h('td', null, timeElement(delivery.nextAttemptAt)),
        ),
      ),
    });
    replace(target, deliveries.length > 0 ? scrollTable(`Deliveries to ${endpoint.url}`, table) : 'No deliveries yet.');
  }

  function endpointCard(endpoint: Endpoint): HTMLElement {
    const log = h('div', { class: 'deliveries' });
    const action = (label: string, work: () => Promise<unknown>) => {
      const control = button(label);
      control.addEventListener('click', () => {
        errors.clear();
        void busy(control, work).catch((error) => errors.show(error));
      });
      return control;
    };
    const path = `/webhooks/${encodeURIComponent(endpoint.endpointId)}`;
    return h(
      'section',
      { class: 'panel', 'data-endpoint': endpoint.endpointId },
      h('h2', null, endpoint.url),
      h(
        'p',
        null,
        endpoint.enabled ? 'On' : `Off${endpoint.disabledReason ? `: ${endpoint.disabledReason}` : ''}`,
        ' · ',
        endpoint.events.join(', '),
      ),
      h(
        'div',
        { class: 'actions' },
        action('Deliveries', () => deliveriesOf(endpoint, log)),
        action('Send test event', async () => {
          await ctx.api.request(`${path}/test`, { method: 'POST' });
          status.set('Test event queued');
          setTimeout(() => void deliveriesOf(endpoint, log).catch(() => undefined), 1500);
        }),
        action('Rotate secret', async () => {
          const answer = await ctx.api.request<{ secret: string }>(`${path}/rotate`, { method: 'POST' });
          showSecret(answer.secret, 'New secret (the old one keeps signing for 24 hours)');
        }),
        action(endpoint.enabled ? 'Turn off' : 'Turn on', async () => {
          await ctx.api.request(`${path}/enabled`, { method: 'POST', body: { enabled: !endpoint.enabled } });
          await load();
        }),
        action('Delete', async () => {
          const sure = await confirmDialog({
            title: 'Delete this endpoint?',
            body: `No further events go to ${endpoint.url}.`,
            confirmLabel: 'Delete',
            destructive: true,
          });
          if (!sure) return;
          await ctx.api.request(path, { method: 'DELETE' });
          await load();
        }),
      ),
      log,
    );
  }

  async function load() {
    const answer = await ctx.api.request<EndpointList>('/webhooks');
    if (eventBoxes.querySelectorAll('input').length === 0) {
      for (const event of answer.events) {
        const box = h('input', { type: 'checkbox', name: 'events', value: event, id: `event-${event}` });
        eventBoxes.append(h('div', { class: 'check' }, box, h('label', { for: box.id }, event)));
      }
    }
    replace(list, answer.endpoints.length > 0 ? answer.endpoints.map(endpointCard) : h('p', null, 'No endpoints yet.'));
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    errors.clear();
    const events = Array.from(eventBoxes.querySelectorAll<HTMLInputElement>('input:checked')).map((box) => box.value);
    void busy(add, async () => {
      const answer = await ctx.api.request<{ secret: string }>('/webhooks', {
        method: 'POST',
        body: { url: url.value.trim(), events },
      });
      showSecret(answer.secret, 'Signing secret');
      form.reset();
      await load();
    }).catch((error) => errors.show(error));
  });

  void load().catch((error) => errors.show(error));
  return {
    title: 'Webhooks',
    element: h('div', null, pageHeading('Webhooks'), status.element, errors.element, secretPanel, form, list),
  };
};
