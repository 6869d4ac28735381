import { expect, Page, test } from './fixtures';
import { register } from './helpers';
import { OwnServer } from './own-server';

// A server of its own: its admin registers with the setup code, and /shutdown stops it. The
// browser reaches it over plain HTTP by a name that is not localhost (mapped to loopback
// in playwright.config.ts): not a secure context, so no service worker, no
// notifications, as on a LAN without HTTPS; the app must work anyway. The server is
// told the name: it refuses requests for names it does not know (DNS rebinding).
const server = new OwnServer('127.0.0.1', Number(process.env.HEARTH_TEST_PORT ?? 3917) + 10, 'commands',
  ['--names', 'lan.hearth.test']);
test.use({ baseURL: server.url.replace('127.0.0.1', 'lan.hearth.test') });
test.beforeAll(() => server.start());
test.afterAll(() => server.stop());

async function command(page: Page, text: string) {
  const box = page.getByRole('textbox', { name: 'Message', exact: true });
  await box.fill(text);
  await box.press('Enter');
}

const output = (page: Page) => page.getByRole('status', { name: 'Command output' });

test('every slash command, the admin ones refused to others', async ({ browser, problems }) => {
  const root = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  const carol = await (await browser.newContext()).newPage();
  await register(root, 'root', 'Ruth Admin', 'copper willow lantern 5150', server.setupCode());
  expect(await root.evaluate(() => window.isSecureContext || 'serviceWorker' in navigator)).toBe(false);
  await register(bob, 'bob', 'Bob Stone', 'velvet harbor pickle 6261');
  await register(carol, 'carol', 'Carol Vance', 'meadow quartz fiddle 7372');
  for (const p of [root, bob, carol]) {
    await p.locator('li.conversation', { hasText: 'Everyone' }).locator('button').click();
  }

  // /help: everyone gets the list; only the admin sees the admin commands.
  await command(bob, '/help');
  await expect(output(bob)).toContainText('/whisper user text');
  await expect(output(bob)).not.toContainText('/shutdown');
  await command(root, '/help');
  await expect(output(root)).toContainText('/shutdown');
  await command(bob, '/listusers');
  await expect(output(bob)).toContainText('Only an admin can do that.');
  await command(bob, '/shutdown');
  await expect(output(bob)).toContainText('Only an admin can do that.');
  await command(bob, '/adduser mallory sneaky-pass-1');
  await expect(output(bob)).toContainText('Only an admin can do that.');

  // An unknown command shows the help and keeps the text to fix; // sends a slash.
  await command(root, '/dance');
  await expect(output(root)).toContainText('There is no command /dance');
  await expect(root.getByRole('textbox', { name: 'Message', exact: true })).toHaveValue('/dance');
  await command(root, '//dance is not a command');
  await expect(root.locator('.message.mine:not(.pending)', { hasText: '/dance is not a command' })).toHaveCount(1);

  // /who
  await command(root, '/who');
  await expect(output(root)).toContainText('Bob Stone (@bob), online');

  // /whisper stays in the room; /msg opens the conversation.
  await command(root, '/whisper bob meet at the lab?');
  await expect(output(root)).toContainText('Whispered to Bob Stone.');
  await expect(root.locator('.thread-head')).toContainText('Everyone');
  await bob.locator('li.conversation[data-peer="root"] button').click();
  await expect(bob.locator('.message', { hasText: 'meet at the lab?' })).toHaveCount(1);
  await command(root, '/msg @carol lunch at noon');
  await expect(root.locator('.thread-head')).toContainText('Carol Vance');
  await expect(root.locator('.message.mine:not(.pending)', { hasText: 'lunch at noon' })).toHaveCount(1);
  await command(root, '/msg nobody hello');
  await expect(output(root)).toContainText('There is nobody called nobody here.');

  // Admin: /listusers, /logoutuser (the user's page goes to the login at once).
  await command(root, '/listusers');
  await expect(output(root)).toContainText('3 accounts');
  await expect(output(root)).toContainText('Ruth Admin (@root), admin, online');
  // /adduser: a temporary password; the first login chooses the owner's own (and makes
  // the keys in their browser, never the admin's).
  await command(root, '/adduser dana');
  await expect(output(root)).toContainText('Usage: /adduser name password');
  await command(root, '/adduser dana welcome-to-lab-2');
  await expect(output(root)).toContainText('Made an account for dana.');
  const dana = await (await browser.newContext()).newPage();
  await dana.goto('/login');
  await dana.getByLabel('Username').fill('dana');
  await dana.getByLabel('Password').fill('welcome-to-lab-2');
  await dana.getByRole('button', { name: 'Log in' }).click();
  await expect(dana).toHaveURL(/\/register$/, { timeout: 60_000 });
  await expect(dana.locator('form .lede')).toContainText('An admin set a temporary password for this account');
  await expect(dana.getByLabel('Username')).toHaveValue('dana');
  await expect(dana.getByLabel('Username')).toBeDisabled();
  await dana.getByLabel('Display name').fill('Dana Reyes');
  await dana.getByLabel('Password', { exact: true }).fill('lantern quartz meadow 8812');
  await dana.getByLabel('Repeat password').fill('lantern quartz meadow 8812');
  await dana.getByRole('button', { name: 'Finish my account' }).click();
  await dana.getByRole('button', { name: 'I have saved it' }).click({ timeout: 60_000 });
  await expect(dana.locator('.me .name')).toHaveText('Dana Reyes');
  await command(root, '/listusers');
  await expect(output(root)).toContainText('Dana Reyes (@dana), online');

  // Over plain HTTP there is no WebCrypto to seal the keys with: the tab keeps them in
  // memory only, so a reload asks for the password again (issue 18, item 17).
  expect(await dana.evaluate(() => sessionStorage.getItem('hearth.keyring'))).toBeNull();
  await dana.reload();
  await expect(dana).toHaveURL(/\/login$/);

  await command(root, '/logoutuser bob');
  await expect(output(root)).toContainText('Ended 1 session of bob.');
  await expect(bob).toHaveURL(/\/login$/, { timeout: 15_000 });

  // /logout
  await command(carol, '/logout');
  await expect(carol).toHaveURL(/\/login$/);

  // /shutdown asks first; declining keeps the server, accepting stops it.
  root.once('dialog', (d) => d.dismiss());
  await command(root, '/shutdown');
  await expect(output(root)).toContainText('Hearth keeps running.');
  root.once('dialog', (d) => d.accept());
  problems.serverDown();
  await command(root, '/shutdown');
  await expect(output(root)).toContainText('Hearth is shutting down.');
  const code = await server.exit(10_000);
  expect(code).toBe(0);
});
