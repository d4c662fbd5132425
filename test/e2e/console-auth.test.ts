import { type CognitoAuthConfig, ConfigError, parseConsoleConfig } from '../../web/console/src/config';
import {
  authorizeUrl,
  base64Url,
  callbackParams,
  codeChallenge,
  logoutUrl,
  randomVerifier,
  tokenRequest,
} from '../../web/console/src/pkce';
import { makeSecurityHeaders } from '../../web/security-headers';
import { COGNITO_CLIENT_ID, USERS } from './console-fake-api';
import { type ConsoleHarness, openConsole, openSignedIn, signIn, startConsoleHarness } from './console-harness';

const cognito: CognitoAuthConfig = {
  mode: 'cognito',
  domain: 'https://clinic.auth.us-east-1.amazoncognito.com',
  clientId: 'abc123',
  redirectUri: 'https://clinic.example/console/',
};

describe('console sign-in helpers (PKCE, Cognito URLs, config)', () => {
  it('derives the S256 challenge of RFC 7636 appendix B', async () => {
    await expect(codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).resolves.toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes verifiers of 43 unreserved characters, different every time', () => {
    const a = randomVerifier();
    const b = randomVerifier();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(base64Url(new Uint8Array([251, 255, 191]))).toBe('-_-_');
  });

  it('builds the authorize URL with the code flow, PKCE S256, state and scopes', () => {
    const url = new URL(authorizeUrl(cognito, { state: 'st', challenge: 'ch' }));
    expect(url.origin + url.pathname).toBe('https://clinic.auth.us-east-1.amazoncognito.com/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'abc123',
      redirect_uri: 'https://clinic.example/console/',
      scope: 'openid email profile',
      state: 'st',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
    });
  });

  it('trades the code with the verifier at the token endpoint, and signs out at /logout', () => {
    const request = tokenRequest(cognito, 'the-code', 'the-verifier');
    expect(request.url).toBe('https://clinic.auth.us-east-1.amazoncognito.com/oauth2/token');
    expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({
      grant_type: 'authorization_code',
      client_id: 'abc123',
      code: 'the-code',
      redirect_uri: 'https://clinic.example/console/',
      code_verifier: 'the-verifier',
    });
    const logout = new URL(logoutUrl({ ...cognito, logoutUri: 'https://clinic.example/console/#/login' }));
    expect(logout.pathname).toBe('/logout');
    expect(logout.searchParams.get('logout_uri')).toBe('https://clinic.example/console/#/login');
  });

  it('reads what Cognito puts on the redirect, and nothing from an ordinary visit', () => {
    expect(callbackParams('?code=c1&state=s1')).toEqual({ code: 'c1', state: 's1', error: undefined });
    expect(callbackParams('?error=access_denied&error_description=Cancelled')?.error).toBe('Cancelled');
    expect(callbackParams('')).toBeUndefined();
  });

  it('accepts both console configs and refuses unsafe or incomplete ones', () => {
    expect(parseConsoleConfig({ auth: { mode: 'local' } }).auth).toEqual({ mode: 'local' });
    const parsed = parseConsoleConfig({ auth: { ...cognito, domain: 'clinic.auth.us-east-1.amazoncognito.com' } });
    expect(parsed.auth).toMatchObject({ mode: 'cognito', domain: 'https://clinic.auth.us-east-1.amazoncognito.com' });
    expect(() => parseConsoleConfig({ auth: { ...cognito, domain: 'http://evil.example' } })).toThrow(ConfigError);
    expect(() => parseConsoleConfig({ auth: { ...cognito, clientId: '' } })).toThrow(/clientId/);
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

  it('signs in through the Cognito Hosted UI with PKCE and signs out there', async () => {
    harness.fake.consoleConfig = {
      auth: {
        mode: 'cognito',
        domain: harness.fake.url,
        clientId: COGNITO_CLIENT_ID,
        redirectUri: `${harness.fake.url}/console/`,
      },
    };
    const { page, problems, close } = await openConsole(harness, { hash: '#/sequences' });
    await page.getByRole('button', { name: 'Sign in with your clinic account' }).click();
    // The fake Hosted UI answers at once with a code; the token endpoint checks the verifier.
    await page.getByRole('heading', { level: 1, name: 'Sequences' }).waitFor();
    expect(new URL(page.url()).search).toBe('');
    const session = JSON.parse((await page.evaluate(() => sessionStorage.getItem('console.session'))) ?? '{}');
    expect(session.user).toMatchObject({ username: 'admin', groups: ['admin'] });
    await expect(page.evaluate(() => sessionStorage.getItem('console.pkce'))).resolves.toBeNull();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/console\/(#\/login)?$/);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await expect(page.evaluate(() => sessionStorage.getItem('console.session'))).resolves.toBeNull();
    expect(problems).toEqual([]);
    await close();
  });

  it('refuses a Cognito redirect whose state it did not start', async () => {
    harness.fake.consoleConfig = {
      auth: {
        mode: 'cognito',
        domain: harness.fake.url,
        clientId: COGNITO_CLIENT_ID,
        redirectUri: `${harness.fake.url}/console/`,
      },
    };
    const { page, close } = await openConsole(harness, { hash: '' });
    await page.goto(`${harness.fake.url}/console/?code=stolen&state=forged`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await expect(page.getByText('This sign-in link is not valid any more.').count()).resolves.toBe(1);
    expect(new URL(page.url()).search).toBe('');
    await expect(page.evaluate(() => sessionStorage.getItem('console.session'))).resolves.toBeNull();
    await close();
  });
});
