import { expect, Page, Request, Route, test } from './fixtures';
import { axeScan, login, register } from './helpers';
import { OwnServer } from './own-server';

// A server of its own, so its admin is made here (with the setup code) and the panel may
// shut it down.
const server = new OwnServer('127.0.0.1', Number(process.env.HEARTH_TEST_PORT ?? 3917) + 20, 'admin');
test.use({ baseURL: server.url });
test.beforeAll(() => server.start());
test.afterAll(() => server.stop());

const ROOT_PW = 'ember orchard violin 3141';
const BOB_PW = 'saffron pebble glacier 2718';
const CAROL_PW = 'tundra mosaic whistle 1618';

const row = (page: Page, username: string) => page.locator(`li.user[data-user="${username}"]`);

/** Opens an account's action menu in the panel and clicks one. */
async function action(page: Page, username: string, name: string) {
  const r = row(page, username);
  await r.locator('.actions summary').click();
  await r.getByRole('button', { name, exact: true }).click();
}

async function confirm(page: Page, button: string) {
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: button, exact: true }).click();
  await expect(dialog).toHaveCount(0);
}

/** The first login of an account with a temporary password: the owner's own password. */
async function finishSetup(page: Page, username: string, temporary: string, own: string) {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(temporary);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/register$/, { timeout: 60_000 });
  await expect(page.getByLabel('Username')).toHaveValue(username);
  await page.getByLabel('Display name').fill(username.toUpperCase());
  await page.getByLabel('Password', { exact: true }).fill(own);
  await page.getByLabel('Repeat password').fill(own);
  await page.getByRole('button', { name: 'Finish my account' }).click();
  await page.getByRole('button', { name: 'I have saved it' }).click({ timeout: 60_000 });
  await expect(page).toHaveURL(/\/$/);
}

test('the admin panel: password again, accounts, registration, limits, audit log, shutdown', async ({ browser, problems }) => {
  const root = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  const carol = await (await browser.newContext()).newPage();
  // The first person to open a new server is not its admin (issue 18, item 12): the
  // page offers the setup code to whoever started it; without it, an ordinary account.
  await bob.goto('/register');
  await expect(bob.getByLabel('Setup code')).toBeVisible();
  await register(bob, 'bob', 'Bob Stone', BOB_PW);
  // A wrong code is refused and nothing is made; the code from the terminal makes the admin.
  await root.goto('/register');
  await root.getByLabel('Setup code').fill('WRNG-C0DE-AAAA-BBBB');
  await root.getByLabel('Username').fill('root');
  await root.getByLabel('Display name').fill('Ruth Admin');
  await root.getByLabel('Password', { exact: true }).fill(ROOT_PW);
  await root.getByLabel('Repeat password').fill(ROOT_PW);
  await root.getByRole('button', { name: 'Create account' }).click();
  await expect(root.getByRole('alert')).toContainText("not this server's setup code", { timeout: 60_000 });
  await register(root, 'root', 'Ruth Admin', ROOT_PW, server.setupCode().toLowerCase());
  // Set up: the next person is not asked.
  const answered = carol.waitForResponse('**/api/setup_pending');
  await carol.goto('/register');
  expect(await (await answered).json()).toBe(false);
  await carol.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 100))));
  await expect(carol.getByLabel('Setup code')).toHaveCount(0);
  await register(carol, 'carol', 'Carol Vance', CAROL_PW);

  // Someone who is not an admin finds no way in (a second tab: his chat stays open).
  const bobsOtherTab = await bob.context().newPage();
  await bobsOtherTab.goto('/admin');
  await expect(bobsOtherTab.getByText('Only admins can open this page.')).toBeVisible();
  await bobsOtherTab.close();

  // The admin opens it from the Account menu and types the password again.
  await root.locator('.account summary').click();
  await root.getByRole('link', { name: 'Admin panel' }).click();
  await expect(root).toHaveURL(/\/admin$/);
  const unlock = root.getByRole('form', { name: 'Confirm your password' });
  await unlock.getByLabel('Password').fill('not the password');
  await unlock.getByRole('button', { name: 'Open the admin panel' }).click();
  await expect(unlock.getByRole('alert')).toContainText('Wrong password', { timeout: 30_000 });
  await unlock.getByLabel('Password').fill(ROOT_PW);
  await unlock.getByRole('button', { name: 'Open the admin panel' }).click();
  const figures = root.getByRole('region', { name: 'Figures' });
  await expect(figures.locator('.figure', { hasText: 'Accounts' }).locator('.value')).toHaveText('3', { timeout: 30_000 });
  await expect(figures.locator('.figure', { hasText: 'Online now' }).locator('.value')).toHaveText(/^[23]$/);
  const notice = root.locator('main.admin > .ok');
  await axeScan(root, 'the admin panel');

  // Search.
  const accounts = root.getByRole('region', { name: 'Accounts' });
  await accounts.getByLabel('Search accounts').fill('bo');
  await expect(accounts.locator('li.user')).toHaveCount(1);
  await expect(row(root, 'bob')).toContainText('Bob Stone');
  await accounts.getByLabel('Search accounts').fill('');
  await expect(accounts.locator('li.user')).toHaveCount(3);

  // Disable bob: his open page is signed out and he cannot log back in; enable him again.
  await action(root, 'bob', 'Disable');
  await confirm(root, 'Disable');
  await expect(row(root, 'bob')).toContainText('Disabled');
  await expect(bob).toHaveURL(/\/login$/, { timeout: 15_000 });
  await bob.getByLabel('Username').fill('bob');
  await bob.getByLabel('Password').fill(BOB_PW);
  await bob.getByRole('button', { name: 'Log in' }).click();
  await expect(bob.getByRole('alert')).toContainText('disabled', { timeout: 60_000 });
  await action(root, 'bob', 'Enable');
  await expect(row(root, 'bob')).not.toContainText('Disabled');
  // A menu left open stays open while its row is drawn again (bob comes online).
  await row(root, 'bob').locator('.actions summary').click();
  await login(bob, 'bob', BOB_PW);
  await expect(row(root, 'bob')).toContainText('Online');
  await expect(row(root, 'bob').getByRole('button', { name: 'Reset password', exact: true })).toBeVisible();
  await row(root, 'bob').locator('.actions summary').click();

  // Reset bob's password: the dialog explains what is lost and gives a temporary one.
  await action(root, 'bob', 'Reset password');
  const dialog = root.getByRole('dialog');
  await expect(dialog).toContainText('Forgot password');
  const temporary = await dialog.getByLabel('Temporary password').inputValue();
  expect(temporary).toMatch(/^([0-9A-Z]{4}-){3}[0-9A-Z]{4}$/);
  await confirm(root, 'Reset password');
  await expect(notice).toContainText(temporary, { timeout: 30_000 });
  await expect(bob).toHaveURL(/\/login$/, { timeout: 15_000 });
  await finishSetup(bob, 'bob', temporary, 'marble cactus lighthouse 5772');
  // He is told who reset it, once he is in.
  await expect(bob.getByRole('status', { name: 'About your account' }))
    .toContainText('Ruth Admin, an admin, reset your password on');
  await expect(row(root, 'bob')).not.toContainText('Waiting for first login', { timeout: 15_000 });

  // Make carol an admin, and take it back.
  await action(root, 'carol', 'Make admin');
  await confirm(root, 'Make admin');
  await expect(row(root, 'carol').locator('.tag', { hasText: 'Admin' })).toBeVisible();
  await expect(row(root, 'root').locator('.tag', { hasText: 'Owner' })).toBeVisible();
  // Carol, an admin now, helps members but cannot change the owner's account.
  await carol.goto('/admin');
  const carolUnlock = carol.getByRole('form', { name: 'Confirm your password' });
  await carolUnlock.getByLabel('Password').fill(CAROL_PW);
  await carolUnlock.getByRole('button', { name: 'Open the admin panel' }).click();
  await row(carol, 'root').locator('.actions summary').click({ timeout: 30_000 });
  await expect(row(carol, 'root')).toContainText("Only the server's owner changes another admin's account.");
  for (const name of ['Reset password', 'Remove admin', 'Disable', 'Delete']) {
    await expect(row(carol, 'root').getByRole('button', { name, exact: true })).toHaveCount(0);
  }
  await row(carol, 'bob').locator('.actions summary').click();
  await expect(row(carol, 'bob').getByRole('button', { name: 'Reset password', exact: true })).toBeVisible();
  await carol.goto('/');
  await action(root, 'carol', 'Remove admin');
  await confirm(root, 'Remove admin');
  await expect(row(root, 'carol').locator('.tag', { hasText: 'Admin' })).toHaveCount(0);

  // A new account with a temporary password. What is typed survives the panel's
  // refresh every 5 s.
  const made = root.getByRole('form', { name: 'New account' });
  await made.getByLabel('Username').fill('dave');
  await root.waitForTimeout(6_000);
  await expect(made.getByLabel('Username')).toHaveValue('dave');
  const davesTemporary = await made.getByLabel('Temporary password').inputValue();
  await made.getByRole('button', { name: 'Make account' }).click();
  await expect(notice).toContainText(davesTemporary, { timeout: 30_000 });
  await expect(row(root, 'dave')).toContainText('Waiting for first login');
  const dave = await (await browser.newContext()).newPage();
  await finishSetup(dave, 'dave', davesTemporary, 'quiver lagoon saddle 4669');

  // Registration by invite only: refused without a link, welcome with one. The panel
  // refreshes every 5 s; a refresh on its way when the choice is made answers with the
  // old setting, and must not put it back. One is held until the change has landed.
  // One handler throughout: the first refresh after it is installed is answered late with
  // what it fetched then; later ones pass, until `waiting` holds them.
  let held: Request | undefined;
  let release!: () => void;
  const released = new Promise<void>((r) => { release = r; });
  let caught!: () => void;
  const stale = new Promise<void>((r) => { caught = r; });
  let hold = false;
  const waiting: Route[] = [];
  await root.route('**/api/admin_overview', async (route) => {
    if (held === undefined) {
      held = route.request();
      const before = await route.fetch();
      caught();
      await released;
      await route.fulfill({ response: before });
    } else if (hold) {
      waiting.push(route);
    } else {
      await route.continue();
    }
  });
  await stale;
  await root.getByLabel('Only with an invite link').check();
  await expect(notice).toContainText('Only people with an invite link');
  await expect(root.getByLabel('Only with an invite link')).toBeChecked();
  // From here no fresh answer comes (later refreshes wait), so only the stale one can
  // move the radio buttons.
  hold = true;
  const finished = root.waitForEvent('requestfinished', (r) => r === held);
  release();
  await finished;
  await root.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 100))));
  expect(await root.getByLabel('Only with an invite link').isChecked()).toBe(true);
  hold = false;
  for (const r of waiting) await r.continue();
  await root.unroute('**/api/admin_overview');
  const stranger = await (await browser.newContext()).newPage();
  await stranger.goto('/register');
  await stranger.getByLabel('Username').fill('erin');
  await stranger.getByLabel('Display name').fill('Erin');
  await stranger.getByLabel('Password', { exact: true }).fill('harbor tulip comet 9090');
  await stranger.getByLabel('Repeat password').fill('harbor tulip comet 9090');
  await stranger.getByRole('button', { name: 'Create account' }).click();
  await expect(stranger.getByRole('alert')).toContainText('invite link', { timeout: 60_000 });
  const invites = root.getByRole('region', { name: 'Registration' });
  await invites.getByLabel('People').fill('1');
  await invites.getByRole('button', { name: 'Make a link' }).click();
  const link = await invites.getByLabel('Invite link', { exact: true }).inputValue();
  expect(link).toMatch(/\/register\?invite=[0-9a-f]{32}$/);
  await expect(invites.locator('.invites li')).toContainText('0 of 1 used');
  const erin = await (await browser.newContext()).newPage();
  await erin.goto(link);
  await erin.getByLabel('Username').fill('erin');
  await erin.getByLabel('Display name').fill('Erin');
  await erin.getByLabel('Password', { exact: true }).fill('harbor tulip comet 9090');
  await erin.getByLabel('Repeat password').fill('harbor tulip comet 9090');
  await erin.getByRole('button', { name: 'Create account' }).click();
  await erin.getByRole('button', { name: 'I have saved it' }).click({ timeout: 60_000 });
  await expect(erin).toHaveURL(/\/$/);
  await expect(invites.locator('.invites li')).toHaveCount(0, { timeout: 15_000 }); // used up

  // File limits, kept across a reload.
  const files = root.getByRole('form', { name: 'File limits' });
  await files.getByLabel('Largest file (MiB)').fill('5');
  await files.getByRole('button', { name: 'Save limits' }).click();
  await expect(notice).toContainText('File limits saved.');

  // Delete carol: signed out, gone from the list.
  await action(root, 'carol', 'Delete');
  await expect(root.getByRole('dialog')).toContainText('cannot be undone');
  await confirm(root, 'Delete');
  await expect(row(root, 'carol')).toHaveCount(0);
  await expect(carol).toHaveURL(/\/login$/, { timeout: 15_000 });

  // After a reload the panel asks nothing more (15 minutes), and keeps the settings.
  await root.reload();
  await expect(root.getByRole('form', { name: 'File limits' }).getByLabel('Largest file (MiB)')).toHaveValue('5', { timeout: 30_000 });
  await expect(root.getByLabel('Only with an invite link')).toBeChecked();
  // root, bob, dave and erin: carol was deleted.
  await expect(figures.locator('.figure', { hasText: 'Accounts' }).locator('.value')).toHaveText('4');

  // The audit log says who did what to whom.
  const audit = root.getByRole('region', { name: 'Audit log' });
  await expect(audit.locator('tbody tr').first()).toContainText('delete');
  await expect(audit.locator('tbody tr').first()).toContainText('@carol');
  for (const what of ['disable', 'reset password', 'make admin', 'create account', 'set registration', 'create invite link', 'set file limits']) {
    await expect(audit.locator('tbody tr', { hasText: what }).first()).toBeVisible();
  }
  await expect(audit.locator('tbody tr', { hasText: 'root' })).toHaveCount(await audit.locator('tbody tr').count());

  // Shut down, after a confirmation: the server exits.
  await root.getByRole('button', { name: 'Shut down…' }).click();
  await expect(root.getByRole('dialog')).toContainText('Messages are kept');
  problems.serverDown();
  await confirm(root, 'Shut down');
  expect(await server.exit(10_000)).toBe(0);
});
