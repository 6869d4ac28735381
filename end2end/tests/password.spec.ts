import { expect, test } from './fixtures';
import { login, register, send } from './helpers';

const OLD = 'harvest lagoon pencil 6160';
const NEW = 'orbit tangle marigold 7271';

test('a password change keeps the history, ends other sessions, and retires the old password', async ({ browser }) => {
  const ivyCtx = await browser.newContext();
  const jakeCtx = await browser.newContext();
  const ivy = await ivyCtx.newPage();
  const jake = await jakeCtx.newPage();
  await register(ivy, 'ivy', 'Ivy Quill', OLD);
  await register(jake, 'jake', 'Jake Ruiz', 'sprocket nimbus cactus 8382');
  await ivy.locator('li.person[data-username="jake"] button').click();
  await send(ivy, 'history before the change');
  await jake.locator('li.conversation[data-peer="ivy"] button').click();
  await send(jake, 'and a reply');

  // Ivy is also logged in elsewhere.
  const otherCtx = await browser.newContext();
  const other = await otherCtx.newPage();
  await login(other, 'ivy', OLD);

  await ivy.locator('.account summary').click();
  const form = ivy.getByRole('form', { name: 'Change password' });
  await form.getByLabel('Current password').fill(OLD);
  await form.getByLabel('New password', { exact: true }).fill(NEW);
  await form.getByLabel('Repeat new password').fill(NEW);
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByRole('status')).toContainText('Password changed');

  // The other session has ended: its page goes to the login by itself.
  await expect(other).toHaveURL(/\/login$/, { timeout: 15_000 });

  // On a fresh browser the old password no longer works; the new one reads the history.
  const freshCtx = await browser.newContext();
  const fresh = await freshCtx.newPage();
  await fresh.goto('/login');
  await fresh.getByLabel('Username').fill('ivy');
  await fresh.getByLabel('Password').fill(OLD);
  await fresh.getByRole('button', { name: 'Log in' }).click();
  await expect(fresh.getByRole('alert')).toContainText('Wrong username or password');
  await login(fresh, 'ivy', NEW);
  await fresh.locator('li.conversation[data-peer="jake"] button').click();
  await expect(fresh.locator('.message', { hasText: 'history before the change' })).toBeVisible();
  await expect(fresh.locator('.message', { hasText: 'and a reply' })).toBeVisible();
  await Promise.all([ivyCtx.close(), jakeCtx.close(), otherCtx.close(), freshCtx.close()]);
});
