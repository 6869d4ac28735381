import { expect, test } from './fixtures';
import { login, register } from './helpers';
import { OwnServer } from './own-server';

// Issue 18, item 8: failed sign-ins lock an account whatever address they come from, but
// not for the browser its owner signed in from before; the admin sees the lock and lifts
// it. A server of its own, which locks at the first failure so the test need not wait
// out the back-off (the doubling waits are checked by the server's tests).
const server = new OwnServer('127.0.0.1', Number(process.env.HEARTH_TEST_PORT ?? 3917) + 60, 'lockout',
  ['--lock-after', '1']);
test.use({ baseURL: server.url });
test.beforeAll(() => server.start());
test.afterAll(() => server.stop());

const ROOT_PW = 'granite willow beacon 2024';
const KIM_PW = 'pepper lagoon quartz 7310';

async function tryLogin(page: import('@playwright/test').Page, password: string) {
  await page.goto('/login');
  await page.getByLabel('Username').fill('kim');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

test('a locked account still opens in its owner\'s browser, and an admin unlocks it', async ({ browser }) => {
  const root = await (await browser.newContext()).newPage();
  const kim = await (await browser.newContext()).newPage();
  await register(root, 'root', 'Ruth Admin', ROOT_PW, server.setupCode());
  await register(kim, 'kim', 'Kim Lee', KIM_PW);

  // A stranger's browser guesses: wrong, then locked, even with the right password.
  const stranger = await (await browser.newContext()).newPage();
  await tryLogin(stranger, 'not her password at all');
  await expect(stranger.getByRole('alert')).toContainText('Wrong username or password', { timeout: 60_000 });
  await tryLogin(stranger, KIM_PW);
  await expect(stranger.getByRole('alert')).toContainText('locked after too many failed sign-ins', { timeout: 60_000 });
  await expect(stranger).toHaveURL(/\/login$/);

  // Kim's own browser, signed out, signs in as ever, and she is told.
  await kim.getByRole('button', { name: 'Log out' }).click();
  await expect(kim).toHaveURL(/\/login$/);
  await login(kim, 'kim', KIM_PW);
  const told = kim.getByRole('status', { name: 'About your account' });
  await expect(told).toContainText('your account was locked after 1 failed sign-in from');

  // The admin finds the lock in the panel, lifts it, and the audit log keeps both.
  await root.goto('/admin');
  const unlock = root.getByRole('form', { name: 'Confirm your password' });
  await unlock.getByLabel('Password').fill(ROOT_PW);
  await unlock.getByRole('button', { name: 'Open the admin panel' }).click();
  const row = root.locator('li.user[data-user="kim"]');
  await expect(row.locator('.tag', { hasText: 'Locked' })).toBeVisible();
  await row.locator('.actions summary').click();
  await row.getByRole('button', { name: 'Unlock', exact: true }).click();
  await expect(root.locator('main.admin > .ok')).toContainText('@kim can sign in again');
  await expect(row.locator('.tag', { hasText: 'Locked' })).toHaveCount(0);
  const audit = root.getByRole('region', { name: 'Audit log' });
  await expect(audit.locator('tbody tr', { hasText: 'unlock' }).first()).toContainText('root');
  await expect(audit.locator('tbody tr', { hasText: /\block\b/ }).first()).toContainText('(server)');

  // Unlocked: the stranger's browser, with the right password, gets in.
  await login(stranger, 'kim', KIM_PW);
});
