// Teams in the browser (issue 12): an owner invites a member from Settings → Members, the member accepts in a
// second browser context and switches between their two teams, a new person joins through the invite page, and
// the owner reads it all in Settings → Audit log. Own server (open sign-up) and browser.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe } from 'node:test';
import { artifacts, launchPage, scenarioFor, skipReason, waitForOn } from './browser.mjs';
import { startServer } from './server.mjs';

const OWNER = 'owner@example.com';
const MEMBER = 'member@example.com';
const NEWCOMER = 'newcomer@example.com';
const PASSWORD = 'correct-horse-42';

let server, browser, page;
const consoleLines = [];
const state = {};
const scenario = scenarioFor(() => ({ page, server, consoleLines }), 'teams-');

/** A second person: their own browser context (own cookies) in the same browser. */
async function personPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const p = await context.newPage();
  p.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.stack ?? e.message}`));
  p.on('dialog', (d) => d.accept().catch(() => {}));
  return p;
}

async function inviteFromMembersPage(email, role) {
  await page.goto(`${server.base}/settings/members`);
  await page.fill('[data-testid=invite-email]', email);
  await page.selectOption('[data-testid=invite-role]', role);
  await page.click('[data-testid=invite-submit]');
  await page.waitForSelector('[data-testid=invite-url]');
  const url = await page.inputValue('[data-testid=invite-url]');
  assert.match(url, /\/invite\?token=/);
  return url;
}

describe('teams', () => {
  before(async () => {
    if (skipReason) return;
    mkdirSync(artifacts, { recursive: true });
    server = await startServer({ env: { NEXTRA_ACCOUNTS__SIGNUP: 'open' } });
    ({ browser, page } = await launchPage(consoleLines));
    await page.goto(server.setupLink);
    await page.fill('input[name=email]', OWNER);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL('**/dashboard');
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  scenario('an invited member accepts in a second browser context and switches between their two teams', async () => {
    // The member already has a team of their own (open sign-up) and is signed in there.
    const member = await personPage();
    state.member = member;
    await member.goto(`${server.base}/login`);
    const signup = await member.evaluate(async ([email, password]) => {
      const r = await fetch('/api/auth/signup', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password, name: 'Mem' }) });
      return r.status;
    }, [MEMBER, PASSWORD]);
    assert.equal(signup, 201);

    const link = await inviteFromMembersPage(MEMBER, 'editor');
    await page.waitForSelector('[data-testid=invites] >> text=' + MEMBER);

    await member.goto(link);
    await member.click('[data-testid=accept-invite]');
    await member.waitForURL('**/dashboard');
    const switcher = await member.waitForSelector('[data-testid=tenant-switcher]');
    const options = await switcher.evaluate((s) => [...s.options].map((o) => o.textContent));
    assert.equal(options.length, 2, `two teams in the switcher: ${options}`);
    assert.ok(options.some((o) => o.startsWith('Default (editor)')), `the owner's team, as editor: ${options}`);
    const me = () => member.evaluate(async () => (await fetch('/api/auth/me')).json());
    const joined = await me();
    assert.equal(joined.tenantName, 'Default');

    // Switch to the member's own team and back, through the switcher.
    const own = await switcher.evaluate((s) => [...s.options].find((o) => !o.textContent.startsWith('Default')).value);
    await member.selectOption('[data-testid=tenant-switcher]', own);
    await waitForOn(member, async () => (await me().catch(() => ({}))).tenantId === own, 'the session in the member\'s own team', 15_000);
    await member.waitForSelector('[data-testid=tenant-switcher]');
    assert.equal((await me()).role, 'owner');
    await member.selectOption('[data-testid=tenant-switcher]', joined.tenantId);
    await waitForOn(member, async () => (await me().catch(() => ({}))).tenantId === joined.tenantId, 'the session back in the owner\'s team', 15_000);

    // The owner sees the member with their role; the invite is no longer pending.
    await page.goto(`${server.base}/settings/members`);
    await page.waitForSelector(`[data-testid="member-${MEMBER}"]`);
    assert.equal(await page.inputValue(`[data-testid="member-${MEMBER}"] select`), 'editor');
    assert.equal(await page.locator(`[data-testid=invites] >> text=${MEMBER}`).count(), 0);
  });

  scenario('a new person creates their account on the invite page; the owner changes their role', async () => {
    const link = await inviteFromMembersPage(NEWCOMER, 'viewer');
    const newcomer = await personPage();
    await newcomer.goto(link);
    await newcomer.waitForSelector('[data-testid=invite-page]');
    await newcomer.fill('input[name=name]', 'Newt');
    await newcomer.fill('input[name=password]', PASSWORD);
    await newcomer.click('[data-testid=accept-invite]');
    await newcomer.waitForURL('**/dashboard');
    const me = await newcomer.evaluate(async () => (await fetch('/api/auth/me')).json());
    assert.equal(me.email, NEWCOMER);
    assert.equal(me.role, 'viewer');
    // The same link does not work twice.
    const again = await personPage();
    await again.goto(link);
    await again.fill('input[name=password]', PASSWORD);
    await again.click('[data-testid=accept-invite]');
    await again.waitForSelector('[role=alert] >> text=already used');

    await page.goto(`${server.base}/settings/members`);
    await page.waitForSelector(`[data-testid="member-${NEWCOMER}"] >> text=Newt`);
    await page.selectOption(`[data-testid="member-${NEWCOMER}"] select`, 'editor');
    await waitForOn(page, async () => (await page.inputValue(`[data-testid="member-${NEWCOMER}"] select`)) === 'editor', 'the new role', 10_000);
  });

  scenario('the owner reads the audit log', async () => {
    await page.goto(`${server.base}/settings`);
    await page.click('[data-testid=nav-audit]');
    await page.waitForURL('**/settings/audit');
    await page.waitForSelector('[data-testid=audit-row]');
    const rows = await page.locator('[data-testid=audit-row]').allInnerTexts();
    const text = rows.join('\n');
    for (const action of ['member.role', 'invite.accept', 'invite.create']) {
      assert.ok(text.includes(action), `${action} in the audit log:\n${text}`);
    }
    assert.ok(rows[0].includes('member.role') && rows[0].includes(NEWCOMER) && rows[0].includes('viewer -> editor'), `newest first: ${rows[0]}`);
    await page.fill('[data-testid=audit-action]', 'invite.accept');
    await page.click('text=Filter');
    await waitForOn(page, async () => (await page.locator('[data-testid=audit-row]').count()) === 2, 'two accepted invites', 10_000);
  });
});
