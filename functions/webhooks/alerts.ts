import type { Mailer } from '../mail/outgoing-email';
import { escapeHtml } from '../render/escape';
import type { EndpointAlerts } from './deliver';

/**
 * The email admins get when an endpoint is disabled: which endpoint (its host, not its full
 * URL, which may carry a token), why, and where to turn it back on. No lead's data.
 */
export function emailAlerts(options: { mailer: Mailer; to: string[]; consoleUrl: string }): EndpointAlerts {
  return {
    async endpointDisabled(endpoint, reason) {
      const host = new URL(endpoint.url).host;
      const link = `${options.consoleUrl.replace(/\/$/, '')}/#/webhooks`;
      const text =
        `The webhook endpoint ${host} (${endpoint.endpointId}) was turned off: ${reason}.\n\n` +
        `No further events go to it. Check the receiver, then turn it on again in the console: ${link}\n`;
      await options.mailer.send({
        to: options.to,
        subject: 'A webhook endpoint was turned off',
        text,
        html: `<p>The webhook endpoint <strong>${escapeHtml(host)}</strong> (${escapeHtml(endpoint.endpointId)}) was turned off: ${escapeHtml(reason)}.</p><p>No further events go to it. Check the receiver, then turn it on again in the <a href="${escapeHtml(link)}">console</a>.</p>`,
        headers: [],
        tags: { kind: 'webhook-alert' },
      });
    },
  };
}
