import { expect, test } from './fixtures';
import { login, register, send } from './helpers';

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
