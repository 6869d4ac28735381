import { expect, Page, test } from './fixtures';
import { api, register, send } from './helpers';
import { OwnServer } from './own-server';

// A server of its own, so its admin registers with the setup code who deletes someone.
const server = new OwnServer('127.0.0.1', Number(process.env.HEARTH_TEST_PORT ?? 3917) + 30, 'departed');
test.use({ baseURL: server.url });
test.beforeAll(() => server.start());
test.afterAll(() => server.stop());

const ROOT_PW = 'lantern quarry meadow 8080';
const PW = 'walnut harbor prism 6020';

async function openGroup(page: Page, name: string) {
  await page.locator(`li.conversation[data-group="${name}"] button`).click();
  await expect(page.locator('.thread-head .title')).toHaveText(name);
}

/** An account's action in the admin panel, confirmed; returns the dialog's text field if any. */
async function adminAction(root: Page, username: string, name: string): Promise<string> {
  const row = root.locator(`li.user[data-user="${username}"]`);
  await row.locator('.actions summary').click({ timeout: 30_000 });
  await row.getByRole('button', { name, exact: true }).click();
  const dialog = root.getByRole('dialog');
  const field = dialog.getByLabel('Temporary password');
  const temporary = (await field.count()) ? await field.inputValue() : '';
  await dialog.getByRole('button', { name, exact: true }).click();
  await expect(dialog).toHaveCount(0);
  return temporary;
}

test('deleted and reset accounts leave the lists but block nothing: groups start new keys without them', async ({ browser }) => {
  const [root, bob, carol, dave, frank] = await Promise.all([0, 1, 2, 3, 4].map(async () => (await browser.newContext()).newPage()));
  await register(root, 'root', 'Ruth Admin', ROOT_PW, server.setupCode());
  await register(bob, 'bob', 'Bob', PW);
  await register(carol, 'carol', 'Carol', PW);
  await register(dave, 'dave', 'Dave', PW);
  await register(frank, 'frank', 'Frank', PW);

  // Bob's group with carol, dave and frank; carol speaks; bob writes to carol directly too.
  await bob.getByRole('button', { name: 'New group' }).click();
  const form = bob.locator('section[aria-label="New group"]');
  await form.getByLabel('Name').fill('Porch');
  for (const m of ['carol', 'dave', 'frank']) await form.locator(`label[data-username="${m}"] input`).check();
  await form.getByRole('button', { name: 'Create group' }).click();
  await expect(bob.locator('.thread-head .title')).toHaveText('Porch');
  // Dave is made an admin (and comes back one below).
  await bob.locator('.thread-head button.presence').click();
  await bob.locator('li.member[data-username="dave"]').getByRole('button', { name: 'Make admin' }).click();
  await expect(bob.locator('li.member[data-username="dave"] .role')).toHaveText('admin');
  await bob.locator('.thread-head button.presence').click();
  await openGroup(carol, 'Porch');
  await send(carol, 'carol was here');
  await expect(bob.locator('.message', { hasText: 'carol was here' }).locator('.sender')).toHaveText('Carol');
  await bob.locator('li.person[data-username="carol"] button').click();
  await expect(bob.locator('.thread-head .title')).toHaveText('Carol');
  await send(bob, 'a word for carol');
  await openGroup(bob, 'Porch');

  // The admin deletes carol.
  await root.goto('/admin');
  const unlock = root.getByRole('form', { name: 'Confirm your password' });
  await unlock.getByLabel('Password').fill(ROOT_PW);
  await unlock.getByRole('button', { name: 'Open the admin panel' }).click();
  await adminAction(root, 'carol', 'Delete');
  await expect(root.locator('li.user[data-user="carol"]')).toHaveCount(0);
  await expect(carol).toHaveURL(/\/login$/, { timeout: 15_000 });

  // Bob's open page drops her from the people and the group picker at once, and names
  // what she sent as hers no more.
  await expect(bob.locator('li.person[data-username="carol"]')).toHaveCount(0);
  await expect(bob.locator('.message', { hasText: 'carol was here' }).locator('.sender')).toHaveText('Deleted account');
  await expect(bob.locator('li.person[data-username="dave"]')).toHaveCount(1);
  await bob.getByRole('button', { name: 'New group' }).click();
  await expect(bob.locator('section[aria-label="New group"] label[data-username="dave"]')).toHaveCount(1);
  await expect(bob.locator('section[aria-label="New group"] label.check', { hasText: 'Deleted account' })).toHaveCount(0);
  await expect(bob.locator('section[aria-label="New group"] label[data-username^="~"]')).toHaveCount(0);

  // The admin resets dave's password; he sets up again, with new keys the roster does
  // not name (no key can reach him in the group until he is added again).
  const temporary = await adminAction(root, 'dave', 'Reset password');
  await expect(dave).toHaveURL(/\/login$/, { timeout: 15_000 });
  await dave.getByLabel('Username').fill('dave');
  await dave.getByLabel('Password').fill(temporary);
  await dave.getByRole('button', { name: 'Log in' }).click();
  await expect(dave).toHaveURL(/\/register$/, { timeout: 60_000 });
  await dave.getByLabel('Display name').fill('Dave');
  await dave.getByLabel('Password', { exact: true }).fill('new dave ' + PW);
  await dave.getByLabel('Repeat password').fill('new dave ' + PW);
  await dave.getByRole('button', { name: 'Finish my account' }).click();
  await dave.getByRole('button', { name: 'I have saved it' }).click({ timeout: 60_000 });
  await expect(dave).toHaveURL(/\/$/);
  // In the Everyone room, which nobody can add him to, he is back at once with them.
  await dave.locator('li.conversation', { hasText: 'Everyone' }).locator('button').click();
  await expect(dave.locator('.thread-head .title')).toHaveText('Everyone');
  await send(dave, 'dave is back');
  await bob.locator('li.conversation', { hasText: 'Everyone' }).locator('button').click();
  await expect(bob.locator('.thread-head .title')).toHaveText('Everyone');
  await expect(bob.locator('p.event', { hasText: 'Dave is back, with new keys' })).toBeVisible();
  await expect(bob.locator('.message', { hasText: 'dave is back' }).locator('.sender')).toHaveText('Dave');

  // Frank leaves, so nobody holds a key he does not know: bob's next message must start
  // one, with carol (deleted) and dave (new keys) in the roster. It goes out.
  await openGroup(frank, 'Porch');
  await frank.locator('.thread-head button.presence').click();
  await frank.getByRole('button', { name: 'Leave group' }).click();
  await expect(frank.locator('li.conversation[data-group="Porch"]')).toHaveCount(0);
  await openGroup(bob, 'Porch');
  await expect(bob.locator('p.event', { hasText: 'Frank left' })).toBeVisible();
  await send(bob, 'still on the porch');
  const porch = Number(await bob.locator('li.conversation[data-group="Porch"]').getAttribute('data-id'));
  const state = (await api(bob, 'group_state', { conversation: porch, after: null })).body;
  const last = state.commits[state.commits.length - 1].commit.body;
  expect(last.action.kind).toBe('rekey');
  expect(state.keys.map((k: any) => k.epoch)).toContain(last.epoch);
  // Nobody is asked to hand them the key they were left out of.
  expect(state.wanted).toEqual([]);
  const { body: people } = await api(bob, 'people');
  expect(people.filter((p: any) => p.deleted).map((p: any) => p.display_name)).toEqual(['Deleted account']);

  // Her old message still reads, under "Deleted account" once the page loads again.
  await bob.reload();
  await openGroup(bob, 'Porch');
  await expect(bob.locator('.message', { hasText: 'carol was here' }).locator('.sender')).toHaveText('Deleted account');
  await expect(bob.locator('.message', { hasText: 'still on the porch' })).toBeVisible();

  // In the members list she can only be removed; bob removes her.
  await bob.locator('.thread-head button.presence').click();
  const gone = bob.locator('li.member', { hasText: 'Deleted account' });
  await expect(gone.getByRole('button')).toHaveText(['Remove']);
  await gone.getByRole('button', { name: 'Remove' }).click();
  await expect(bob.locator('p.event', { hasText: 'You removed Deleted account' })).toBeVisible();
  await expect(bob.locator('li.member')).toHaveCount(2);

  // Dave is still in under his old keys, marked; bob takes him back under his new ones,
  // once he has accepted them (they are not the ones he pinned).
  const daveRow = () => bob.locator('li.member[data-username="dave"]');
  await expect(daveRow().locator('.new-keys')).toHaveText('new keys');
  await daveRow().getByRole('button', { name: 'Add again with new keys' }).click();
  await expect(bob.getByRole('alert')).toContainText('The keys of Dave changed');
  await bob.locator('li.person[data-username="dave"] button').click();
  await expect(bob.locator('.thread-head .title')).toHaveText('Dave');
  await bob.getByRole('button', { name: 'Accept the new keys' }).click();
  await openGroup(bob, 'Porch');
  await bob.locator('.thread-head button.presence').click();
  await daveRow().getByRole('button', { name: 'Add again with new keys' }).click();
  await expect(bob.locator('p.event', { hasText: 'You added Dave' })).toBeVisible();
  await expect(daveRow().locator('.new-keys')).toHaveCount(0);
  await expect(daveRow().locator('.role')).toHaveText('admin');
  await expect(daveRow().getByRole('button', { name: 'Add again with new keys' })).toHaveCount(0);
  await send(bob, 'welcome back, dave');
  await openGroup(dave, 'Porch');
  await expect(dave.locator('.message', { hasText: 'welcome back, dave' })).toBeVisible();

  // The direct conversation keeps its history and takes nothing more.
  await bob.locator('li.conversation', { hasText: 'Deleted account' }).locator('button').click();
  await expect(bob.locator('.message', { hasText: 'a word for carol' })).toBeVisible();
  const box = bob.getByRole('textbox', { name: 'Message', exact: true });
  await box.fill('are you there?');
  await box.press('Enter');
  await expect(bob.getByRole('alert')).toContainText('This account was deleted');
  await expect(box).toHaveValue('are you there?');

  // A newcomer to the Everyone room while nobody who holds its key is online must start a
  // key to write, with the deleted and the reset account in its roster.
  for (const p of [root, bob, carol, dave, frank]) await p.context().close();
  const erin = await (await browser.newContext()).newPage();
  await register(erin, 'erin', 'Erin', PW);
  await erin.locator('li.conversation', { hasText: 'Everyone' }).locator('button').click();
  await expect(erin.locator('.thread-head .title')).toHaveText('Everyone');
  await send(erin, 'hello from erin');
  const everyone = (await api(erin, 'conversations')).body.find((c: any) => c.group?.everyone).id;
  const commits = (await api(erin, 'group_state', { conversation: everyone, after: null })).body.commits;
  const erinId = (await api(erin, 'me')).body.id;
  const newest = commits[commits.length - 1].commit.body;
  expect([newest.action.kind, newest.author]).toEqual(['rekey', erinId]);
});
