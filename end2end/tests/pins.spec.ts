import { expect, Page, test } from './fixtures';
import { api, login, register, send } from './helpers';

// Issue 18, item 1: the pinned keys live on the server, sealed; a server that answers
// with none, or with an older copy, must not make the browser forget a verified key.

async function verify(page: Page, username: string) {
  await page.locator(`li.conversation[data-peer="${username}"] button, li.person[data-username="${username}"] button`).first().click();
  await page.getByRole('button', { name: 'Safety number' }).click();
  await page.getByRole('button', { name: 'Numbers match: mark as verified' }).click();
  await expect(page.locator('.thread-head .badge')).toHaveText('✓ Verified');
}

test('pins the server withholds or rolls back are an alarm, and a swapped key still holds sends', async ({ browser }) => {
  const rory = await (await browser.newContext()).newPage();
  const sage = await (await browser.newContext()).newPage();
  const RORY_PW = 'harbor cactus violin 6161';
  const SAGE_PW = 'meadow biscuit quiver 7272';
  await register(rory, 'rory', 'Rory Chen', RORY_PW);
  await register(sage, 'sage', 'Sage Snow', SAGE_PW);
  await rory.locator('li.person[data-username="sage"] button').click();
  await send(rory, 'hello sage');
  // The store as it is now (Sage pinned, not verified): the "older copy" below.
  let older: string | null = null;
  await expect.poll(async () => (older = (await api(rory, 'pins')).body)).toBeTruthy();
  const saved = rory.waitForResponse('**/api/save_pins');
  await verify(rory, 'sage');
  await saved;

  // The server answers with no store (and takes saves without keeping them).
  await rory.route('**/api/save_pins', (route) => route.fulfill({ contentType: 'application/json', body: '{"Ok":null}' }));
  await rory.route('**/api/pins', (route) => route.fulfill({ contentType: 'application/json', body: '{"Ok":null}' }));
  await rory.reload();
  const alarm = rory.getByRole('alert', { name: 'Your pinned keys' });
  await expect(alarm).toContainText('did not give back the keys you have pinned');
  await rory.locator('li.conversation[data-peer="sage"] button').click();
  await expect(rory.locator('.thread-head .badge')).toHaveText('✓ Verified');

  // Then with the older copy.
  await rory.unroute('**/api/pins');
  await rory.route('**/api/pins', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ Ok: older }) }));
  await rory.reload();
  await expect(alarm).toContainText('an older copy of the keys you have pinned');
  await alarm.getByRole('button', { name: 'Got it' }).click();
  await expect(alarm).toHaveCount(0);

  // Sage's key changes (as a server swapping it would show): Rory's next message waits.
  await sage.locator('.account summary').click();
  await sage.getByRole('form', { name: 'New security keys' }).getByLabel('Password').fill(SAGE_PW);
  await sage.getByRole('button', { name: 'Make new security keys' }).click();
  await sage.getByRole('dialog', { name: 'Your new recovery key' }).getByRole('button', { name: 'I have saved it' }).click({ timeout: 60_000 });
  await rory.locator('li.conversation[data-peer="sage"] button').click();
  await expect(rory.locator('.keychange')).toContainText("Sage Snow's security keys changed");
  await rory.getByRole('textbox', { name: 'Message', exact: true }).fill('is this still you?');
  await rory.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
  await expect(rory.locator('.thread .error')).toContainText('compare safety numbers again');
  await expect(rory.locator('.message', { hasText: 'is this still you?' })).toHaveCount(0);
});

test('two tabs verifying two people keep both marks', async ({ browser }) => {
  const PW = 'lagoon pepper anchor 8383';
  const ctx = await browser.newContext();
  const one = await ctx.newPage();
  await register(one, 'tova', 'Tova Moss', PW);
  for (const [name, display] of [['bram', 'Bram Ray'], ['cleo', 'Cleo Ford']]) {
    await register(await (await browser.newContext()).newPage(), name, display, 'sorrel tundra ember 1919');
  }
  // A second tab of the same browser, signed in now: it holds the pins as they are
  // before either mark.
  const two = await ctx.newPage();
  await login(two, 'tova', PW);
  await expect(two.locator('li.person[data-username="cleo"]')).toBeVisible();
  await one.reload();
  await expect(one.locator('li.person[data-username="bram"]')).toBeVisible();
  await verify(one, 'bram');
  await verify(two, 'cleo');
  // Another browser of Tova's sees both.
  const three = await (await browser.newContext()).newPage();
  await login(three, 'tova', PW);
  for (const name of ['bram', 'cleo']) {
    await three.locator(`li.person[data-username="${name}"] button`).click();
    await expect(three.locator('.thread-head .badge')).toHaveText('✓ Verified');
  }
});
