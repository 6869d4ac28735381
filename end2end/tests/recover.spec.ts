import { expect, test } from './fixtures';
import { api, login, register, send } from './helpers';

test('forgot password: the recovery key restores the account with its history', async ({ browser }) => {
  const kimCtx = await browser.newContext();
  const leoCtx = await browser.newContext();
  const kim = await kimCtx.newPage();
  const leo = await leoCtx.newPage();
  const recoveryKey = await register(kim, 'kim', 'Kim Wexler', 'saddle quartz meadow 9493');
  await register(leo, 'leo', 'Leo Getz', 'anchor violet pudding 1504');
  await kim.locator('li.person[data-username="leo"] button').click();
  await send(kim, 'remember this');
  await leo.locator('li.conversation[data-peer="kim"] button').click();
  await send(leo, 'I will');

  // On a fresh browser, a wrong key is refused clearly; the right one restores.
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page).toHaveURL(/\/recover$/);
  const NEW = 'lantern biscuit orchard 2615';
  await page.getByLabel('Username').fill('kim');
  await page.getByLabel('Recovery key').fill('0000-0000-0000-0000-0000-0000-0000-0000');
  await page.getByLabel('New password', { exact: true }).fill(NEW);
  await page.getByLabel('Repeat new password').fill(NEW);
  await page.getByRole('button', { name: 'Restore my account' }).click();
  await expect(page.getByRole('alert')).toContainText('do not match');
  await page.getByLabel('Recovery key').fill(recoveryKey.toLowerCase());
  await page.getByRole('button', { name: 'Restore my account' }).click();
  await expect(page).toHaveURL(/\/$/, { timeout: 60_000 });
  await page.locator('li.conversation[data-peer="leo"] button').click();
  await expect(page.locator('.message', { hasText: 'remember this' })).toBeVisible();
  await expect(page.locator('.message', { hasText: 'I will' })).toBeVisible();

  // Kim's old session ended, and the old password no longer works.
  await kim.reload();
  await expect(kim).toHaveURL(/\/login$/);
  await kim.getByLabel('Username').fill('kim');
  await kim.getByLabel('Password').fill('saddle quartz meadow 9493');
  await kim.getByRole('button', { name: 'Log in' }).click();
  await expect(kim.getByRole('alert')).toContainText('Wrong username or password');
  await login(kim, 'kim', NEW);
  await Promise.all([kimCtx.close(), leoCtx.close(), ctx.close()]);
});

test('a recovery key from before new keys were made cannot bring the old keys back', async ({ browser }) => {
  const dorn = await (await browser.newContext()).newPage();
  const maureen = await (await browser.newContext()).newPage();
  const PW = 'marble tundra fiddle 3141';
  const NEW = 'cactus lantern ripple 2718';
  const oldKey = await register(dorn, 'dorn', 'Dorn Reed', PW);
  await register(maureen, 'maureen', 'Maureen Tucker', 'violet anchor biscuit 5050');

  // What the recovery key opened before (stopped before anything changed).
  const before = await (await browser.newContext()).newPage();
  const opened = before.waitForResponse('**/api/recovery_keys');
  await before.route('**/api/recover', (route) =>
    route.fulfill({ contentType: 'application/json', body: JSON.stringify({ Err: { Unauthorized: 'stopped by the test' } }) }));
  const restore = async (page: typeof before, key: string) => {
    await page.goto('/recover');
    await page.getByLabel('Username').fill('dorn');
    await page.getByLabel('Recovery key').fill(key);
    await page.getByLabel('New password', { exact: true }).fill(NEW);
    await page.getByLabel('Repeat new password').fill(NEW);
    await page.getByRole('button', { name: 'Restore my account' }).click();
  };
  await restore(before, oldKey);
  const stale = await (await opened).json();
  await expect(before.getByRole('alert')).toContainText('stopped by the test', { timeout: 60_000 });
  expect(stale.Ok.wrapped_keys).toBeTruthy();

  // Dorn makes new keys; a new recovery key replaces the old one.
  await dorn.locator('.account summary').click();
  await dorn.getByRole('form', { name: 'New security keys' }).getByLabel('Password').fill(PW);
  await dorn.getByRole('button', { name: 'Make new security keys' }).click();
  const fresh = dorn.getByRole('dialog', { name: 'Your new recovery key' });
  const newKey = (await fresh.locator('.recovery-key').textContent({ timeout: 60_000 })) ?? '';
  expect(newKey).toMatch(/^([0-9A-Z]{4}-){7}[0-9A-Z]{4}$/);
  await fresh.getByRole('button', { name: 'I have saved it' }).click();
  await expect(dorn.locator('.me .name')).toHaveText('Dorn Reed');

  // The old key opens nothing now.
  const page = await (await browser.newContext()).newPage();
  await restore(page, oldKey);
  await expect(page.getByRole('alert')).toContainText('do not match', { timeout: 60_000 });

  // A server that hands out the old wrap anyway (beside the identity it publishes now):
  // the browser sees the keys are not the account's and changes nothing.
  const people = (await api(maureen, 'people')).body as any[];
  const current = people.find((p) => p.username === 'dorn').identity;
  const replayed = await (await browser.newContext()).newPage();
  let recovers = 0;
  await replayed.route('**/api/recovery_keys', (route) => route.fulfill({
    contentType: 'application/json', body: JSON.stringify({ Ok: { ...stale.Ok, identity: current } }),
  }));
  replayed.on('request', (r) => { if (r.url().endsWith('/api/recover')) recovers++; });
  await restore(replayed, oldKey);
  await expect(replayed.getByRole('alert')).toContainText('keys this account no longer uses', { timeout: 60_000 });
  expect(recovers).toBe(0);

  // The new key restores the account, on the new keys.
  await restore(page, newKey);
  await expect(page).toHaveURL(/\/$/, { timeout: 60_000 });
  await expect(page.locator('.me .name')).toHaveText('Dorn Reed');
});
