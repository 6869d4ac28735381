import { expect, test } from './fixtures';
import { base32, register, totp } from './helpers';
import { OwnServer } from './own-server';

// A server of its own, so that its admin (registered with the setup code) is the owner. An admin's reset of a
// password keeps two-step login: finishing the account asks for the authenticator's
// code, and the person is told of the reset once, after that login.
const server = new OwnServer('127.0.0.1', Number(process.env.HEARTH_TEST_PORT ?? 3917) + 50, 'reset');
test.use({ baseURL: server.url });
test.beforeAll(() => server.start());
test.afterAll(() => server.stop());

const ROOT_PW = 'lantern quarry meadow 8080';
const DANA_PW = 'cobalt juniper anchor 4242';

test('a reset keeps two-step login, and its owner is told', async ({ browser }) => {
  const root = await (await browser.newContext()).newPage();
  const dana = await (await browser.newContext()).newPage();
  await register(root, 'root', 'Ruth Admin', ROOT_PW, server.setupCode());
  await register(dana, 'dana', 'Dana Holt', DANA_PW);

  // Dana turns on two-step login.
  await dana.locator('details.account summary').click();
  const twoStep = dana.locator('.two-step');
  await twoStep.getByLabel('Password').fill(DANA_PW);
  await twoStep.getByRole('button', { name: 'Turn on two-step login' }).click();
  const secret = base32((await dana.locator('.totp-secret').textContent()) ?? '');
  const now = () => Date.now() / 1000;
  await dana.getByLabel('Code from the app').fill(totp(secret, now()));
  await dana.getByRole('button', { name: 'Confirm' }).click();
  await dana.getByRole('button', { name: 'I have saved them' }).click();

  // The owner resets her password.
  await root.locator('.account summary').click();
  await root.getByRole('link', { name: 'Admin panel' }).click();
  const unlock = root.getByRole('form', { name: 'Confirm your password' });
  await unlock.getByLabel('Password').fill(ROOT_PW);
  await unlock.getByRole('button', { name: 'Open the admin panel' }).click();
  const row = root.locator('li.user[data-user="dana"]');
  await row.locator('.actions summary').click();
  await row.getByRole('button', { name: 'Reset password', exact: true }).click();
  const dialog = root.getByRole('dialog');
  const temporary = await dialog.getByLabel('Temporary password').inputValue();
  await dialog.getByRole('button', { name: 'Reset password', exact: true }).click();
  await expect(dana).toHaveURL(/\/login$/, { timeout: 15_000 });

  // The temporary password leads to choosing her own, and then to her code.
  await dana.getByLabel('Username').fill('dana');
  await dana.getByLabel('Password').fill(temporary);
  await dana.getByRole('button', { name: 'Log in' }).click();
  await expect(dana).toHaveURL(/\/register$/, { timeout: 60_000 });
  await dana.getByLabel('Display name').fill('Dana Holt');
  await dana.getByLabel('Password', { exact: true }).fill('saffron tundra mosaic 1212');
  await dana.getByLabel('Repeat password').fill('saffron tundra mosaic 1212');
  await dana.getByRole('button', { name: 'Finish my account' }).click();
  const code = dana.getByLabel('Authentication code');
  await expect(code).toBeVisible({ timeout: 60_000 });
  await expect(dana.locator('.step')).toContainText('Two-step login is on');
  await expect(dana.getByRole('alert')).toHaveCount(0);
  await code.fill(totp(secret, now() + 30));
  await dana.getByRole('button', { name: 'Finish my account' }).click();
  await dana.getByRole('button', { name: 'I have saved it' }).click({ timeout: 60_000 });
  await expect(dana).toHaveURL(/\/$/);

  // Told once, in words, and gone when she has read it.
  const told = dana.getByRole('status', { name: 'About your account' });
  await expect(told).toContainText('Ruth Admin, an admin, reset your password on');
  await told.getByRole('button', { name: 'Got it' }).click();
  await expect(told).toHaveCount(0);
  await dana.reload();
  await expect(dana.locator('li.person[data-username="root"]')).toBeVisible();
  await expect(told).toHaveCount(0);
});
