import { InMemoryWebStorage, UserManager } from 'oidc-client-ts';
import type { Page } from 'playwright-core';
import { cognitoSettings, isSignInCallback, RENEW_BEFORE_SECONDS, signInFailure } from '../../web/console/src/cognito';
import { type CognitoAuthConfig, ConfigError, parseConsoleConfig } from '../../web/console/src/config';
import { makeSecurityHeaders } from '../../web/security-headers';
import { COGNITO_CLIENT_ID, COGNITO_ISSUER, SEQUENCE_ID, USERS } from './console-fake-api';
import { type ConsoleHarness, openConsole, openSignedIn, signIn, startConsoleHarness } from './console-harness';

const cognito: CognitoAuthConfig = {
  mode: 'cognito',
  domain: 'https://clinic.auth.us-east-1.amazoncognito.com',
  issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example',
  clientId: 'abc123',
  redirectUri: 'https://clinic.example/console/',
};

describe('console sign-in settings (oidc-client-ts for Cognito, config)', () => {
  it('names Cognito’s endpoints on the Hosted UI domain, so no discovery request is made', async () => {
    const manager = new UserManager(cognitoSettings(cognito, new InMemoryWebStorage()));
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    try {
      await expect(manager.metadataService.getAuthorizationEndpoint()).resolves.toBe(
        'https://clinic.auth.us-east-1.amazoncognito.com/oauth2/authorize',
      );
      await expect(manager.metadataService.getTokenEndpoint()).resolves.toBe(
        'https://clinic.auth.us-east-1.amazoncognito.com/oauth2/token',
      );
      await expect(manager.metadataService.getRevocationEndpoint()).resolves.toBe(
        'https://clinic.auth.us-east-1.amazoncognito.com/oauth2/revoke',
      );
      await expect(manager.metadataService.getEndSessionEndpoint()).resolves.toBe(
        'https://clinic.auth.us-east-1.amazoncognito.com/logout',
      );
      await expect(manager.metadataService.getIssuer()).resolves.toBe(cognito.issuer);
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      fetchSpy.mockRestore();
      manager.stopSilentRenew();
    }
  });

  it('asks for the code flow with the configured scopes, renews with the refresh token and revokes it on sign-out', () => {
    const settings = cognitoSettings({ ...cognito, scopes: ['openid', 'email'] }, new InMemoryWebStorage());
    expect(settings).toMatchObject({
      authority: cognito.issuer,
      client_id: 'abc123',
      redirect_uri: 'https://clinic.example/console/',
      response_type: 'code',
      scope: 'openid email',
      automaticSilentRenew: true,
      accessTokenExpiringNotificationTimeInSeconds: RENEW_BEFORE_SECONDS,
      revokeTokenTypes: ['refresh_token'],
    });
    // No iframe renewal: Cognito has no prompt=none, so the refresh token is the only way.
    expect(settings.silent_redirect_uri).toBeUndefined();
  });

  it('explains a failed sign-in in words the user can act on', () => {
    const none = new URLSearchParams('');
    expect(signInFailure(new Error('x'), new URLSearchParams('error=access_denied&error_description=Cancelled'))).toBe(
      'Sign-in was not completed: Cancelled',
    );
    expect(signInFailure(new TypeError('Failed to fetch'), none)).toMatch(/could not be reached/);
    expect(signInFailure(new Error('No matching state found in storage'), none)).toMatch(/not valid any more/);
  });

  it('recognises Cognito’s redirect, and nothing from an ordinary visit', () => {
    expect(isSignInCallback('?code=c1&state=s1')).toBe(true);
    expect(isSignInCallback('?error=access_denied&state=s1')).toBe(true);
    expect(isSignInCallback('?code=c1')).toBe(false);
    expect(isSignInCallback('')).toBe(false);
  });

  it('accepts both console configs and refuses unsafe or incomplete ones', () => {
    expect(parseConsoleConfig({ auth: { mode: 'local' } }).auth).toEqual({ mode: 'local' });
    const parsed = parseConsoleConfig({ auth: { ...cognito, domain: 'clinic.auth.us-east-1.amazoncognito.com' } });
    expect(parsed.auth).toMatchObject({
      mode: 'cognito',
      domain: 'https://clinic.auth.us-east-1.amazoncognito.com',
      issuer: cognito.issuer,
    });
    expect(() => parseConsoleConfig({ auth: { ...cognito, domain: 'http://evil.example' } })).toThrow(ConfigError);
    expect(() => parseConsoleConfig({ auth: { ...cognito, clientId: '' } })).toThrow(/clientId/);
    expect(() => parseConsoleConfig({ auth: { ...cognito, issuer: undefined } })).toThrow(/auth\.issuer is missing/);
    expect(() => parseConsoleConfig({ auth: { ...cognito, issuer: 'http://evil.example/pool' } })).toThrow(/https/);
    expect(() => parseConsoleConfig({ auth: { mode: 'magic' } })).toThrow(ConfigError);
    expect(() => parseConsoleConfig({ auth: { mode: 'local' }, apiBase: 'http://api.example' })).toThrow(/https/);
  });
});

describe('console security headers', () => {
  it('lets the console reach Cognito’s token endpoint and nothing else new', () => {
    const csp = makeSecurityHeaders({ authOrigin: 'https://clinic.auth.us-east-1.amazoncognito.com/oauth2' })[
      'Content-Security-Policy'
    ];
    expect(csp).toContain("connect-src 'self' https://clinic.auth.us-east-1.amazoncognito.com;");
    expect(csp).toContain("style-src 'self';");
    expect(csp).toContain("default-src 'self';");
    expect(() => makeSecurityHeaders({ authOrigin: 'http://evil.example' })).toThrow(/https/);
  });
});

describe('console sign-in in Chromium', () => {
  let harness: ConsoleHarness;

  beforeAll(async () => {
    harness = await startConsoleHarness();
  });

  afterAll(async () => {
    await harness?.close();
  });

  beforeEach(() => {
    harness.fake.consoleConfig = { auth: { mode: 'local' } };
  });

  it('sends a signed-out visitor to the login page, refuses a wrong password, and signs in', async () => {
    const { page, problems, close } = await openConsole(harness, { hash: '#/leads' });
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(page.url()).toMatch(/#\/login$/);
    await expect(page.getByRole('navigation', { name: 'Console' }).count()).resolves.toBe(0);

    await page.getByLabel('Username').fill('marketer');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('username or password is not right');
    await expect(page.evaluate(() => sessionStorage.getItem('console.session'))).resolves.toBeNull();

    await page.getByLabel('Password').fill(USERS.marketer.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Leads' }).waitFor();
    const session = JSON.parse((await page.evaluate(() => sessionStorage.getItem('console.session'))) ?? '{}');
    expect(session.user).toMatchObject({ username: 'marketer', groups: ['marketing'] });
    expect(harness.fake.calls('POST', '/leads/search').at(-1)?.authorization).toBe(`Bearer ${session.token}`);
    expect(problems).toEqual([]);
    await close();
  });

  it('returns to the page asked for after signing in', async () => {
    const { page, close } = await openConsole(harness, { hash: '#/sequences' });
    await signIn(page);
    await page.getByRole('heading', { level: 1, name: 'Sequences' }).waitFor();
    await close();
  });

  it('signing out clears the session and shows the login page', async () => {
    const { page, close } = await openSignedIn(harness, '#/leads');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await expect(page.getByText('You have signed out.').count()).resolves.toBe(1);
    await expect(page.evaluate(() => sessionStorage.getItem('console.session'))).resolves.toBeNull();
    await page.goto(`${harness.fake.url}/console/#/leads`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await close();
  });

  it('goes back to the login page on a 401 and returns to the same page after signing in again', async () => {
    const { page, problems, close } = await openSignedIn(harness, '#/leads?status=booked');
    await page.getByRole('button', { name: 'Next page' }).waitFor();
    await expect(page.getByRole('button', { name: 'Next page' }).isEnabled()).resolves.toBe(true);
    harness.fake.revokeTokens();
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await expect(page.getByText('Your session has ended. Please sign in again.').count()).resolves.toBe(1);
    await expect(page.evaluate(() => sessionStorage.getItem('console.session'))).resolves.toBeNull();
    await signIn(page);
    await page.getByRole('heading', { level: 1, name: 'Leads' }).waitFor();
    expect(page.url()).toContain('#/leads?status=booked');
    expect(problems).toEqual([]);
    await close();
  });

  it('shows admin pages only to admins', async () => {
    const marketer = await openSignedIn(harness, '#/import');
    await marketer.page.getByRole('heading', { level: 1, name: 'Admins only' }).waitFor();
    const nav = marketer.page.getByRole('navigation', { name: 'Console' });
    await expect(nav.getByRole('link', { name: 'Import' }).count()).resolves.toBe(0);
    await marketer.close();

    const admin = await openSignedIn(harness, '#/import', { who: 'admin' });
    await admin.page.getByRole('heading', { level: 1, name: 'Import contacts' }).waitFor();
    await expect(
      admin.page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Import' }).count(),
    ).resolves.toBe(1);
    await admin.close();
  });
});

describe('console sign-in with Cognito in Chromium (oidc-client-ts against a fake Hosted UI)', () => {
  let harness: ConsoleHarness;

  beforeAll(async () => {
    harness = await startConsoleHarness();
  });

  afterAll(async () => {
    await harness?.close();
  });

  beforeEach(() => {
    harness.fake.consoleConfig = {
      auth: {
        mode: 'cognito',
        domain: harness.fake.url,
        issuer: COGNITO_ISSUER,
        clientId: COGNITO_CLIENT_ID,
        redirectUri: `${harness.fake.url}/console/`,
        scopes: ['openid', 'email'],
      },
    };
    harness.fake.tokenLifetimeSeconds = 3600;
    harness.fake.oauthRequests.length = 0;
    harness.fake.idTokens.length = 0;
    harness.fake.logouts.length = 0;
  });

  const refreshGrants = () => harness.fake.oauthRequests.filter((r) => r.form.grant_type === 'refresh_token');
  const issuedBy = (grant: 'authorization_code' | 'refresh_token') =>
    harness.fake.idTokens.filter((issued) => issued.grant === grant).map((issued) => `Bearer ${issued.token}`);

  /** The fake Hosted UI signs the admin in at once and sends the browser back with a code. */
  async function signInWithCognito(page: Page): Promise<void> {
    await page.getByRole('button', { name: 'Sign in with your clinic account' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const storedKeys = (page: Page) =>
    page.evaluate(() => ({ session: Object.keys(sessionStorage), local: Object.keys(localStorage) }));

  it('signs in through the Hosted UI with PKCE, sends the ID token to the API, and keeps the session in this tab', async () => {
    const { page, problems, close } = await openConsole(harness, { hash: '#/sequences' });
    await signInWithCognito(page);
    await page.getByRole('heading', { level: 1, name: 'Sequences' }).waitFor();
    expect(new URL(page.url()).search).toBe('');
    // The token endpoint checked the verifier against the challenge, and got the code once.
    const [exchange] = harness.fake.oauthRequests;
    expect(exchange?.form).toMatchObject({
      grant_type: 'authorization_code',
      client_id: COGNITO_CLIENT_ID,
      redirect_uri: `${harness.fake.url}/console/`,
    });
    expect(exchange?.form.code_verifier).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
    const [idToken] = issuedBy('authorization_code');
    expect(harness.fake.calls('GET', '/sequences').at(-1)?.authorization).toBe(idToken);
    await expect(page.getByRole('navigation', { name: 'Console' }).getByText('admin (admin)').count()).resolves.toBe(1);

    // The tokens live in this tab's sessionStorage only, and the pending sign-in is gone.
    const stored = await storedKeys(page);
    expect(stored.local).toEqual([]);
    expect(stored.session.filter((key) => key.startsWith('console.oidc.'))).toHaveLength(1);

    // A reload keeps the session, without a new sign-in.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Sequences' }).waitFor();
    expect(harness.fake.oauthRequests).toHaveLength(1);
    expect(problems).toEqual([]);
    await close();
  });

  it('renews the tokens with the refresh token before they run out, and the API gets the new ID token', async () => {
    // 63 s: oidc-client-ts renews a minute before the end, so within seconds of signing in.
    harness.fake.tokenLifetimeSeconds = 63;
    const { page, problems, close } = await openConsole(harness, { hash: '#/leads' });
    await signInWithCognito(page);
    await page.getByRole('heading', { level: 1, name: 'Leads' }).waitFor();
    const refreshToken = harness.fake.oauthRequests[0]!;
    expect(refreshToken.form.grant_type).toBe('authorization_code');

    await until(() => refreshGrants().length >= 2, 'two renewals');
    // Cognito sends no new refresh token on renewal: the one from the sign-in keeps being used.
    const grants = refreshGrants();
    expect(new Set(grants.map((grant) => grant.form.refresh_token)).size).toBe(1);
    expect(grants[0]!.form).toMatchObject({ grant_type: 'refresh_token', client_id: COGNITO_CLIENT_ID });
    harness.fake.tokenLifetimeSeconds = 3600;

    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByRole('status').filter({ hasText: 'on page 2' }).waitFor();
    const bearer = harness.fake.calls('POST', '/leads/search').at(-1)?.authorization;
    expect(issuedBy('refresh_token')).toContain(bearer);
    expect(issuedBy('authorization_code')).not.toContain(bearer);
    // Still signed in: no second visit to the Hosted UI.
    expect(harness.fake.oauthRequests.filter((r) => r.form.grant_type === 'authorization_code')).toHaveLength(1);
    expect(problems).toEqual([]);
    await close();
  });

  it('renews before an API call when the background renewal did not run (a sleeping laptop)', async () => {
    const { page, problems, close } = await openConsole(harness, { hash: '#/leads' });
    await page.clock.install();
    await page.reload();
    await signInWithCognito(page);
    await page.getByRole('heading', { level: 1, name: 'Leads' }).waitFor();
    // No timer fires from here on, so only the API call itself can notice the tokens ran out.
    await page.clock.pauseAt(Date.now() + 1000);
    await page.clock.setSystemTime(Date.now() + 2 * 3_600_000);

    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByRole('status').filter({ hasText: 'on page 2' }).waitFor();
    expect(refreshGrants()).toHaveLength(1);
    expect(harness.fake.calls('POST', '/leads/search').at(-1)?.authorization).toBe(issuedBy('refresh_token')[0]);
    expect(problems).toEqual([]);
    await close();
  });

  it('signs out at Cognito’s /logout after revoking the refresh token, leaving no token behind', async () => {
    const { page, problems, close } = await openConsole(harness, { hash: '#/leads' });
    await signInWithCognito(page);
    const issuedRefreshToken = harness.fake.oauthRequests.length;
    expect(issuedRefreshToken).toBe(1);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/console\/(#\/login)?$/);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(harness.fake.logouts).toEqual([
      { client_id: COGNITO_CLIENT_ID, logout_uri: `${harness.fake.url}/console/` },
    ]);
    const revoke = harness.fake.oauthRequests.find((r) => r.path === '/oauth2/revoke');
    expect(revoke?.form).toMatchObject({ client_id: COGNITO_CLIENT_ID, token_type_hint: 'refresh_token' });
    // The revoked refresh token renews nothing any more.
    const refused = await fetch(`${harness.fake.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: COGNITO_CLIENT_ID,
        refresh_token: revoke?.form.token ?? '',
      }),
    });
    expect(refused.status).toBe(400);
    const stored = await storedKeys(page);
    expect([...stored.session, ...stored.local].filter((key) => key.startsWith('console.oidc.'))).toEqual([]);
    expect(problems).toEqual([]);
    await close();
  });

  it('goes to sign-in when the refresh token is refused, and brings unsaved edits back after signing in again', async () => {
    harness.fake.resetSequences();
    harness.fake.tokenLifetimeSeconds = 63;
    const { page, problems, close } = await openConsole(harness, { hash: `#/sequences/${SEQUENCE_ID}` });
    await signInWithCognito(page);
    await page.getByLabel('Preheader').fill('Kept through a refused renewal');
    harness.fake.refuseRefreshTokens();

    // The renewal a minute before the end is refused: straight to sign-in, nothing lost, no dialog.
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor({ timeout: 20_000 });
    expect(refreshGrants().length).toBeGreaterThan(0);
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
    await expect(page.getByText(/your unsaved changes are kept in this tab/).count()).resolves.toBe(1);

    harness.fake.tokenLifetimeSeconds = 3600;
    await signInWithCognito(page);
    await page.getByText('Your unsaved changes from before you were signed out are back.', { exact: false }).waitFor();
    await expect(page.getByLabel('Preheader').inputValue()).resolves.toBe('Kept through a refused renewal');
    expect(page.url()).toContain(`#/sequences/${SEQUENCE_ID}`);
    expect(problems).toEqual([]);
    await close();
  });

  it('refuses a Cognito redirect whose state it did not start', async () => {
    const { page, close } = await openConsole(harness, { hash: '' });
    await page.goto(`${harness.fake.url}/console/?code=stolen&state=forged`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await expect(page.getByText('This sign-in link is not valid any more.').count()).resolves.toBe(1);
    expect(new URL(page.url()).search).toBe('');
    expect(harness.fake.oauthRequests).toEqual([]);
    const stored = await storedKeys(page);
    expect(stored.session.filter((key) => key.startsWith('console.oidc.user'))).toEqual([]);
    await close();
  });
});
