import { expect, test } from './fixtures';
import { login, register } from './helpers';

const PASSWORD = 'lantern meadow quartz 4417';
const PHONE = 'Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0';

test('the signed-in devices list names each browser, and ending one signs it out at once', async ({ browser }) => {
  const laptop = await (await browser.newContext()).newPage();
  await register(laptop, 'nell', 'Nell Ortiz', PASSWORD);
  const phone = await (await browser.newContext({ userAgent: PHONE })).newPage();
  await login(phone, 'nell', PASSWORD);

  await laptop.locator('.account summary').click();
  const devices = laptop.getByRole('region', { name: 'Signed-in devices' });
  await expect(devices.locator('li.session')).toHaveCount(2);
  await expect(devices.locator('li.session', { hasText: 'This browser' })).toContainText('Chrome on Linux');
  const other = devices.locator('li.session', { hasText: 'Firefox on Android' });
  await expect(other).toContainText('127.0.0.1');
  await expect(other).toContainText('Active now');

  // Ending it sends the phone back to the login page without it doing anything.
  await other.getByRole('button', { name: 'End the session of Firefox on Android' }).click();
  await expect(devices.locator('li.session')).toHaveCount(1);
  await expect(phone).toHaveURL(/\/login$/, { timeout: 15_000 });
  // The laptop carries on.
  await laptop.reload();
  await expect(laptop.locator('.me .name')).toHaveText('Nell Ortiz');
});
