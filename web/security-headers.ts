/** Two years, the minimum the HSTS preload list accepts. */
export const HSTS_MAX_AGE_SECONDS = 63_072_000;

export interface SecurityHeaderOptions {
  /** Origin of the capture API when it is not served from the site's own origin. */
  apiOrigin?: string;
  /** Origin of the CSS and JS when a page is served from elsewhere (the API's error page). */
  assetOrigin?: string;
  /**
   * The marketing console in Cognito mode: the Hosted UI's origin, whose `/oauth2/token` the
   * console calls from the browser to finish the PKCE sign-in and to renew the tokens, and whose
   * `/oauth2/revoke` it calls on sign-out (the sign-in and sign-out pages themselves are top-level
   * navigations and need nothing here).
   */
  authOrigin?: string;
}

/** Only a bare origin may go into the policy, so a config value cannot add directives. */
function origin(value: string | undefined): string[] {
  if (value === undefined) return [];
  const parsed = new URL(value);
  if (parsed.protocol !== 'https:' && parsed.hostname !== 'localhost' && parsed.hostname !== '127.0.0.1') {
    throw new Error(`Security header origin must use https: ${parsed.origin}`);
  }
  return [parsed.origin];
}

/**
 * The page has no inline script or style, so the policy can stay at 'self': an injected
 * `<script>` or `style=` attribute is refused by the browser even if escaping ever failed.
 * The console's email preview needs nothing more: it is a sandboxed `srcdoc` frame (not
 * fetched, so `frame-src` does not apply), and it applies the email's styles through the CSSOM.
 */
export function makeSecurityHeaders(options: SecurityHeaderOptions = {}): Record<string, string> {
  const api = origin(options.apiOrigin);
  const assets = origin(options.assetOrigin);
  const auth = origin(options.authOrigin);
  const csp = [
    "default-src 'self'",
    ["script-src 'self'", ...assets].join(' '),
    ["style-src 'self'", ...assets].join(' '),
    ["img-src 'self'", ...assets].join(' '),
    ["connect-src 'self'", ...api, ...auth].join(' '),
    ["form-action 'self'", ...api].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'Strict-Transport-Security': `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'X-Frame-Options': 'DENY',
    'Permissions-Policy':
      'accelerometer=(), camera=(), geolocation=(), gyroscope=(), microphone=(), payment=(), usb=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}

/** For a site whose API is routed through the same origin (CloudFront behaviour or the local gateway). */
export const securityHeaders: Readonly<Record<string, string>> = Object.freeze(makeSecurityHeaders());
