import { expect, test, Page } from './fixtures';
import { base32, login, register, send, totp } from './helpers';

// Over HTTPS (the CA in Chromium's certificate store), a person turns on two-step login,
// logs in again with password and code, and chats.

const PW = 'velvet harbour compass 4471';

async function openAccount(page: Page) {
  await page.locator('details.account summary').click();
}

test('over HTTPS: turn on two-step login, log in with a code (each once), chat', async ({ browser }) => {
  const tessCtx = await browser.newContext();
  const umaCtx = await browser.newContext();
  const tess = await tessCtx.newPage();
  const uma = await umaCtx.newPage();
  const recoveryKey = await register(tess, 'tess', 'Tess Durbey', PW);
  await register(uma, 'uma', 'Uma Thurman', 'uma password 1 2 3');
  expect(tess.url()).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
  // A secure context: what the PWA and the streamed downloads need.
  expect(await tess.evaluate(() => window.isSecureContext)).toBe(true);

  await openAccount(tess);
  // It takes the password again (a borrowed, logged-in browser is not enough).
  const twoStep = tess.locator('.two-step');
  await twoStep.getByLabel('Password').fill('not my password');
  await twoStep.getByRole('button', { name: 'Turn on two-step login' }).click();
  await expect(twoStep.locator('.error')).toContainText('password is wrong');
  await twoStep.getByLabel('Password').fill(PW);
  await twoStep.getByRole('button', { name: 'Turn on two-step login' }).click();
  const secretText = (await tess.locator('.totp-secret').textContent()) ?? '';
  expect(secretText).toMatch(/^[A-Z2-7]{32}$/);
  await expect(tess.locator('.two-step .qr svg')).toBeVisible();
  const secret = base32(secretText);
  const now = () => Date.now() / 1000;
  // A wrong code is refused and nothing is turned on.
  const first = totp(secret, now());
  await tess.getByLabel('Code from the app').fill(first === '000000' ? '111111' : '000000');
  await tess.getByRole('button', { name: 'Confirm' }).click();
  await expect(tess.locator('.two-step .error')).toContainText('not right');
  await tess.getByLabel('Code from the app').fill(first);
  await tess.getByRole('button', { name: 'Confirm' }).click();
  await expect(tess.locator('.recovery-codes li')).toHaveCount(10);
  const recoveryCodes = await tess.locator('.recovery-codes li').allTextContents();
  await tess.getByRole('button', { name: 'I have saved them' }).click();
  await expect(tess.locator('.two-step')).toContainText('10 recovery codes left');

  // Log in from a fresh browser: the password alone is not enough.
  const againCtx = await browser.newContext();
  const again = await againCtx.newPage();
  await again.goto('/login');
  await again.getByLabel('Username').fill('tess');
  await again.getByLabel('Password').fill(PW);
  await again.getByRole('button', { name: 'Log in' }).click();
  const code = again.getByLabel('Authentication code');
  await expect(code).toBeVisible({ timeout: 60_000 });
  await expect(again).toHaveURL(/\/login$/);
  // Asked for, not scolded: a step to take, and no error shown yet.
  await expect(again.locator('.step')).toContainText('Two-step login is on');
  await expect(again.locator('.error')).toHaveCount(0);
  // The code that turned it on was used once already: refused.
  await code.fill(first);
  await again.getByRole('button', { name: 'Continue' }).click();
  await expect(again.locator('.error')).toContainText('not right');
  await code.fill(totp(secret, now() + 30));
  await again.getByRole('button', { name: 'Continue' }).click();
  await expect(again).toHaveURL(/\/$/, { timeout: 60_000 });

  // And chat, both ways, live.
  await again.locator('li.person[data-username="uma"] button').click();
  await send(again, 'Hello from behind two locks');
  const conv = uma.locator('li.conversation[data-peer="tess"]');
  await conv.locator('button').click();
  await expect(uma.locator('.message', { hasText: 'Hello from behind two locks' })).toBeVisible();
  await send(uma, 'Hi Tess!');
  await expect(again.locator('.message:not(.mine)', { hasText: 'Hi Tess!' })).toBeVisible();

  // "Forgot password": the recovery key replaces the password, not the second factor.
  const lostCtx = await browser.newContext();
  const lost = await lostCtx.newPage();
  await lost.goto('/recover');
  const NEW = 'copper lantern thistle 8816';
  await lost.getByLabel('Username').fill('tess');
  await lost.getByLabel('Recovery key').fill(recoveryKey);
  await lost.getByLabel('New password', { exact: true }).fill(NEW);
  await lost.getByLabel('Repeat new password').fill(NEW);
  await lost.getByRole('button', { name: 'Restore my account' }).click();
  const lostCode = lost.getByLabel('Authentication code');
  await expect(lostCode).toBeVisible({ timeout: 60_000 });
  await expect(lost).toHaveURL(/\/recover$/);
  await lostCode.fill(recoveryCodes[0]);
  await lost.getByRole('button', { name: 'Continue' }).click();
  await expect(lost).toHaveURL(/\/$/, { timeout: 60_000 });
  await lost.locator('li.conversation[data-peer="uma"] button').click();
  await expect(lost.locator('.message', { hasText: 'Hi Tess!' })).toBeVisible();
  await lostCtx.close();

  // The session cookie is host-only, Secure and HttpOnly.
  const cookies = await againCtx.cookies();
  const session = cookies.find(c => c.name === '__Host-hearth_session');
  expect(session).toBeTruthy();
  expect(session!.secure && session!.httpOnly && session!.sameSite === 'Strict').toBe(true);

  await Promise.all([tessCtx.close(), umaCtx.close(), againCtx.close()]);
});

test('over plain HTTP the trust page offers the CA and every app path goes to HTTPS', async ({ page }) => {
  const port = Number(process.env.HEARTH_TEST_PORT ?? 3917);
  const res = await page.request.get(`http://127.0.0.1:${port}/login`, { maxRedirects: 0 });
  expect(res.status()).toBe(308);
  expect(res.headers()['location']).toBe(`https://127.0.0.1:${port + 1}/login`);
  await page.goto(`http://127.0.0.1:${port}/`);
  await expect(page.getByRole('heading', { name: 'Trust this Hearth server' })).toBeVisible();
  await page.getByRole('link', { name: /Continue to https/ }).click();
  await expect(page).toHaveURL(new RegExp(`^https://127\\.0\\.0\\.1:${port + 1}/`));
});
