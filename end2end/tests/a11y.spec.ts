import { expect, test } from './fixtures';
import { axeScan as scan, register, send } from './helpers';

// WCAG 2.1 AA on the main screens, in the light and the dark theme: no violations (the
// admin panel is scanned in admin.spec.ts, on a server whose admin that spec makes).

test('the main screens have no WCAG A or AA violations in either theme', async ({ browser }) => {
  const [kit, lou] = await Promise.all([0, 1].map(async () => (await browser.newContext()).newPage()));
  await kit.goto('/login');
  await expect(kit.getByRole('button', { name: 'Log in' })).toBeEnabled();
  await scan(kit, 'login');
  await kit.goto('/register');
  await expect(kit.getByRole('button', { name: 'Create account' })).toBeEnabled();
  await scan(kit, 'register');

  await register(kit, 'kit', 'Kit Harper', 'lantern quartz meadow 9034');
  await register(lou, 'lou', 'Lou Fenwick', 'pebble violin harbour 4127');
  await kit.locator('li.person[data-username="lou"] button').click();
  await send(kit, 'Hello @lou, welcome');
  const box = kit.getByRole('textbox', { name: 'Message', exact: true });
  await box.fill('Some **bold**, `code` and https://example.org');
  await box.press('Enter');
  await expect(kit.locator('.message.mine:not(.pending) code')).toHaveText('code');
  await lou.locator('li.conversation[data-peer="kit"] button').click();
  await send(lou, 'Thanks @kit!');
  await expect(kit.locator('.message', { hasText: 'Thanks' })).toBeVisible();
  await scan(kit, 'a direct conversation');

  await kit.locator('li.conversation[data-group="Everyone"] button').click();
  await expect(kit.locator('.thread-head .title')).toHaveText('Everyone');
  await scan(kit, 'the Everyone room');

  await kit.locator('.account summary').click();
  await expect(kit.getByRole('region', { name: 'Signed-in devices' }).locator('li.session')).toHaveCount(1);
  await scan(kit, 'the account panel');
  await Promise.all([kit.context().close(), lou.context().close()]);
});
