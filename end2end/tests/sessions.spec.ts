import { expect, test } from './fixtures';
import { login, register } from './helpers';

const PASSWORD = 'lantern meadow quartz 4417';
const PHONE = 'Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0';

test('the signed-in devices list names each browser, and ending one signs it out at once', async ({ browser }) => {
  const laptop = await (await browser.newContext()).newPage();
  await register(laptop, 'nell', 'Nell Ortiz', PASSWORD);
  const phone = await (await browser.newContext({ userAgent: PHONE })).newPage();
  await login(phone, 'nell', PASSWORD);
  // Its socket is open: it is in use.
  await expect(phone.locator('.me .status.online')).toHaveCount(1);

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

  // A browser killed without logging out is not "Active now" once its socket is gone,
  // though it was used a moment ago: it says when it was last seen.
  const tablet = await browser.newContext({ userAgent: PHONE });
  const tabletPage = await tablet.newPage();
  await login(tabletPage, 'nell', PASSWORD);
  await expect(tabletPage.locator('.me .status.online')).toHaveCount(1);
  const account = laptop.locator('.account summary');
  await account.click();
  const again = laptop.getByRole('region', { name: 'Signed-in devices' });
  await expect(again.locator('li.session', { hasText: 'Firefox on Android' })).toContainText('Active now');
  await tabletPage.close();
  await tablet.close();
  await expect(async () => {
    await account.click();
    await account.click();
    await expect(again.locator('li.session', { hasText: 'Firefox on Android' })).toContainText('Last seen', { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(again.locator('li.session', { hasText: 'Firefox on Android' })).not.toContainText('Active now');
  await expect(again.locator('li.session', { hasText: 'This browser' })).toContainText('Active now');
});
