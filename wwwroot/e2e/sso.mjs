// Single sign-on in the browser: the login page's "Sign in with …" button, a scripted OpenID Connect
// provider on loopback (its own RSA key, discovery, JWKS, authorize that consents at once, a token
// endpoint that checks PKCE and the client secret), the user provisioned just in time with the role of
// their group, Settings → Single sign-on, and a spoiled ID token refused with a message on the login page.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import { after, before, describe } from 'node:test';
import { artifacts, launchPage, scenarioFor, skipReason, waitForOn } from './browser.mjs';
import { freePort, startServer } from './server.mjs';

const CLIENT_ID = 'nextra-e2e';
const CLIENT_SECRET = 'e2e-client-secret';
let server, browser, page, idp;
const consoleLines = [];

const b64u = (buf) => Buffer.from(buf).toString('base64url');

/** The scripted provider: `idp.flaw = 'nonce'` spoils the next ID token's nonce. */
async function startIdp() {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'e2e', use: 'sig', alg: 'RS256' };
  const codes = new Map();
  const state = { flaw: null, user: { sub: 'e2e-sub-1', email: 'sso.person@example.com', groups: ['admins'] }, base };
  const idToken = (nonce, user) => {
    const now = Math.floor(Date.now() / 1000);
    const header = b64u(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'e2e' }));
    const claims = { iss: base, aud: CLIENT_ID, sub: user.sub, email: user.email, email_verified: true, groups: user.groups,
      nonce: state.flaw === 'nonce' ? 'not-the-nonce' : nonce, iat: now, nbf: now, exp: now + 300 };
    const body = b64u(JSON.stringify(claims));
    return `${header}.${body}.${b64u(crypto.sign('sha256', Buffer.from(`${header}.${body}`), privateKey))}`;
  };
  const srv = http.createServer((req, res) => {
    const url = new URL(req.url, base);
    const json = (status, o) => { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(o)); };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, { issuer: base, authorization_endpoint: `${base}/authorize`, token_endpoint: `${base}/token`, jwks_uri: `${base}/jwks` });
    }
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      const q = url.searchParams;
      assert.equal(q.get('code_challenge_method'), 'S256');
      const code = crypto.randomBytes(16).toString('hex');
      codes.set(code, { challenge: q.get('code_challenge'), nonce: q.get('nonce'), redirect: q.get('redirect_uri'), user: state.user });
      res.writeHead(302, { Location: `${q.get('redirect_uri')}?code=${code}&state=${encodeURIComponent(q.get('state'))}` });
      return void res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const basic = 'Basic ' + Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
        if (req.headers.authorization !== basic) return json(401, { error: 'invalid_client' });
        const grant = codes.get(form.get('code'));
        codes.delete(form.get('code'));
        if (!grant || b64u(crypto.createHash('sha256').update(form.get('code_verifier') ?? '').digest()) !== grant.challenge) {
          return json(400, { error: 'invalid_grant' });
        }
        json(200, { access_token: 'at', token_type: 'Bearer', id_token: idToken(grant.nonce, grant.user) });
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise((r) => srv.listen(port, '127.0.0.1', r));
  return Object.assign(state, { close: () => new Promise((r) => srv.close(r)) });
}

const scenario = scenarioFor(() => ({ page, server, consoleLines }), 'sso-');
const waitFor = (f, what, ms = 20_000) => waitForOn(page, f, what, ms);

describe('single sign-on in the browser', () => {
  before(async () => {
    if (skipReason) return;
    mkdirSync(artifacts, { recursive: true });
    idp = await startIdp();
    server = await startServer({
      env: {
        NEXTRA_OIDC__PROVIDERS__0__NAME: 'loopback',
        NEXTRA_OIDC__PROVIDERS__0__DISPLAY_NAME: 'Loopback IdP',
        NEXTRA_OIDC__PROVIDERS__0__AUTHORITY: idp.base,
        NEXTRA_OIDC__PROVIDERS__0__CLIENT_ID: CLIENT_ID,
        NEXTRA_OIDC__PROVIDERS__0__CLIENT_SECRET: CLIENT_SECRET,
        NEXTRA_OIDC__PROVIDERS__0__AUTO_PROVISION: 'true',
        NEXTRA_OIDC__PROVIDERS__0__DEFAULT_ROLE: 'viewer',
        NEXTRA_OIDC__PROVIDERS__0__GROUP_ROLES__ADMINS: 'admin',
        NEXTRA_OIDC__PROVIDERS__0__TENANT: 'Acme',
      },
    });
    // The owner sets the workspace up with a password, as on any first start.
    const token = new URL(server.setupLink).searchParams.get('token');
    const setup = await fetch(server.base + '/api/setup', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token, email: 'owner@example.com', password: 'correct-horse-42', tenantName: 'Acme' }) });
    assert.equal(setup.status, 201, await setup.text());
    ({ browser, page } = await launchPage(consoleLines));
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    await idp?.close();
  });

  scenario('sign in with the OIDC provider: provisioned into the tenant as admin', async () => {
    await page.goto(server.base + '/login?next=/settings');
    await page.click('text=Sign in with Loopback IdP');
    await page.waitForURL('**/settings');
    await page.waitForSelector('[data-testid=sso-settings]');
    const me = await page.evaluate(() => fetch('/api/auth/me').then((r) => r.json()));
    assert.equal(me.email, 'sso.person@example.com');
    assert.equal(me.role, 'admin');
    assert.equal(me.tenantName, 'Acme');
    const card = await page.locator('[data-testid=sso-provider-loopback]').innerText();
    assert.match(card, /Loopback IdP/);
    assert.match(card, /\/oidc\/loopback\/callback/);
  });

  scenario('an admin adds a tenant OIDC provider in Settings; its secret is never shown', async () => {
    await page.fill('[data-testid=sso-form] input[placeholder=okta]', 'acme-okta');
    await page.fill('[data-testid=sso-form] input[placeholder="Acme Okta"]', 'Acme Okta');
    await page.fill('[data-testid=sso-form] input[placeholder="https://acme.okta.com"]', 'https://acme.okta.example');
    await page.locator('[data-testid=sso-form] span:text-is("Client id") + input').fill('acme-client');
    await page.fill('[data-testid=sso-form] input[placeholder="stored encrypted"]', 'super-secret-value');
    await page.click('text=Save provider');
    await page.waitForSelector('[data-testid=sso-provider-acme-okta]');
    const card = await page.locator('[data-testid=sso-provider-acme-okta]').innerText();
    assert.match(card, /secret stored, encrypted/);
    assert.doesNotMatch(await page.content(), /super-secret-value/);
  });

  scenario('a spoiled ID token is refused and the login page says why', async () => {
    await page.evaluate(() => fetch('/api/auth/logout', { method: 'POST', headers: { 'X-Nextra-Csrf': document.cookie.match(/nextra_csrf=([^;]+)/)?.[1] ?? '' } }));
    idp.flaw = 'nonce';
    idp.user = { sub: 'e2e-sub-2', email: 'mallory@example.com', groups: [] };
    await page.goto(server.base + '/login');
    await page.click('text=Sign in with Loopback IdP');
    await page.waitForURL('**/login?sso_error=token_invalid');
    await waitFor(async () => (await page.content()).includes('could not be verified'), 'the refusal on the login page');
    const me = await page.evaluate(() => fetch('/api/auth/me').then((r) => r.status));
    assert.equal(me, 401);
    idp.flaw = null;
  });
});
