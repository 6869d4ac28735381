import { expect, test } from './fixtures';
import { expectNotOnDisk, login, register, send } from './helpers';

const ALICE_PW = 'tangerine orbit lantern 1987';
const BOB_PW = 'marble quietly forest 2213';

test('alice and bob chat live; bob catches up from a fresh browser; no secret reaches disk or log', async ({ browser }) => {
  const canary = `canary-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const aliceCtx = await browser.newContext();
  const bobCtx = await browser.newContext();
  const alice = await aliceCtx.newPage();
  const bob = await bobCtx.newPage();

  const aliceRecovery = await register(alice, 'alice', 'Alice Liddell', ALICE_PW);
  const bobRecovery = await register(bob, 'bob', 'Bob Builder', BOB_PW);

  // Alice starts a conversation with Bob and he gets it live, without a reload.
  await alice.locator('li.person[data-username="bob"] button').click();
  await send(alice, 'Hello Bob 👋');
  const bobsConversation = bob.locator('li.conversation[data-peer="alice"]');
  await expect(bobsConversation.locator('.unread')).toHaveText('1');
  await bobsConversation.locator('button').click();
  await expect(bob.locator('.message', { hasText: 'Hello Bob 👋' })).toBeVisible();

  await send(bob, 'Hi Alice!');
  await expect(alice.locator('.message:not(.mine)', { hasText: 'Hi Alice!' })).toBeVisible();
  await send(alice, canary);
  await expect(bob.locator('.message', { hasText: canary })).toBeVisible();

  // Bob logs out; Alice writes three more.
  await bob.getByRole('button', { name: 'Log out' }).click();
  await expect(bob).toHaveURL(/\/login$/);
  for (const n of [1, 2, 3]) {
    await send(alice, `While you were away ${n}`);
  }

  // Bob logs in from a third, fresh browser: 3 unread, then the whole history decrypted.
  const freshCtx = await browser.newContext();
  const fresh = await freshCtx.newPage();
  await login(fresh, 'bob', BOB_PW);
  const conv = fresh.locator('li.conversation[data-peer="alice"]');
  await expect(conv.locator('.unread')).toHaveText('3');
  await conv.locator('button').click();
  const texts = ['Hello Bob 👋', 'Hi Alice!', canary, 'While you were away 1', 'While you were away 2', 'While you were away 3'];
  for (const t of texts) {
    await expect(fresh.locator('.message', { hasText: t })).toBeVisible();
  }
  await expect(fresh.locator('.message')).toHaveCount(texts.length);
  await expect(conv.locator('.unread')).toHaveCount(0);

  // Neither the canary nor a password nor a recovery key may appear in the database files (WAL included)
  // or in the server's log.
  expectNotOnDisk([canary, ALICE_PW, BOB_PW, aliceRecovery, bobRecovery]);
  // The test must be able to fail: the canary is really in what the browsers showed.
  expect(await fresh.content()).toContain(canary);

  await Promise.all([aliceCtx.close(), bobCtx.close(), freshCtx.close()]);
});

test('a wrong password is refused with a clear message', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill('not the password at all 99');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toContainText('Wrong username or password');
});

test('the content security policy refuses an injected inline script', async ({ page, problems }) => {
  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Log in' })).toBeEnabled();
  problems.provoke(/^Executing inline script violates the following Content Security Policy directive/);
  const ran = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true;';
    document.head.append(s);
    await new Promise(r => setTimeout(r, 100));
    return (window as any).__injected === true;
  });
  expect(ran).toBe(false);
  // The page itself hydrated: its own (nonce'd) script was allowed.
  await expect(page.getByRole('button', { name: 'Log in' })).toBeEnabled();
});
