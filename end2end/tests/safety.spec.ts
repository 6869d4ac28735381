import { expect, test } from './fixtures';
import { login, register, send } from './helpers';

test('safety numbers match, verification is pinned across browsers, and a key change warns and holds sends', async ({ browser }) => {
  const gCtx = await browser.newContext();
  const hCtx = await browser.newContext();
  const gina = await gCtx.newPage();
  const hank = await hCtx.newPage();
  await register(gina, 'gina', 'Gina Torres', 'pebble saffron kettle 3031');
  await register(hank, 'hank', 'Hank Pym', 'thimble walrus glacier 4142');
  await gina.locator('li.person[data-username="hank"] button').click();
  await send(gina, 'shall we compare?');
  await hank.locator('li.conversation[data-peer="gina"] button').click();

  const digits = async (page: typeof gina) => {
    await page.getByRole('button', { name: 'Safety number' }).click();
    const groups = page.getByRole('region', { name: 'Safety number' }).locator('.digits li');
    await expect(groups).toHaveCount(12);
    await expect(page.getByRole('img', { name: 'Safety number as a QR code' }).locator('svg')).toHaveCount(1);
    return (await groups.allTextContents()).join('');
  };
  const g = await digits(gina);
  const h = await digits(hank);
  expect(g).toMatch(/^\d{60}$/);
  expect(h).toBe(g);

  // They match, so both mark each other verified: a badge shows.
  for (const page of [gina, hank]) {
    await page.getByRole('button', { name: 'Numbers match: mark as verified' }).click();
    await expect(page.locator('.thread-head .badge')).toHaveText('✓ Verified');
  }
  // The pins live on the server, encrypted: a fresh browser of Gina's knows them too.
  const g2Ctx = await browser.newContext();
  const gina2 = await g2Ctx.newPage();
  await login(gina2, 'gina', 'pebble saffron kettle 3031');
  await gina2.locator('li.conversation[data-peer="hank"] button').click();
  await expect(gina2.locator('.thread-head .badge')).toHaveText('✓ Verified');
  await g2Ctx.close();

  // Hank makes new keys. Gina is warned at once, loses the badge, and her next message
  // waits until she accepts the new keys.
  await hank.locator('.account summary').click();
  await hank.getByRole('form', { name: 'New security keys' }).getByLabel('Password').fill('thimble walrus glacier 4142');
  await hank.getByRole('button', { name: 'Make new security keys' }).click();
  // The old recovery key held the old keys: a new one replaces it, shown once.
  const fresh = hank.getByRole('dialog', { name: 'Your new recovery key' });
  await expect(fresh.locator('.recovery-key')).toHaveText(/^([0-9A-Z]{4}-){7}[0-9A-Z]{4}$/, { timeout: 60_000 });
  await fresh.getByRole('button', { name: 'I have saved it' }).click();
  await expect(gina.locator('.keychange')).toContainText("Hank Pym's security keys changed");
  await expect(gina.locator('.thread-head .badge')).toHaveCount(0);
  await gina.getByLabel('Message', { exact: true }).fill('are you still you?');
  await gina.getByLabel('Message', { exact: true }).press('Enter');
  await expect(gina.locator('.thread .error')).toContainText('compare safety numbers again');
  await expect(gina.locator('.message', { hasText: 'are you still you?' })).toHaveCount(0);
  await gina.getByRole('button', { name: 'Accept the new keys' }).click();
  await expect(gina.locator('.keychange')).toHaveCount(0);
  await send(gina, 'are you still you?');

  // Hank, on his new keys, reads it; the safety number changed.
  await hank.locator('li.conversation[data-peer="gina"] button').click();
  await expect(hank.locator('.message', { hasText: 'are you still you?' })).toBeVisible();
  await hank.getByRole('button', { name: 'Safety number' }).click();
  const after = (await hank.getByRole('region', { name: 'Safety number' }).locator('.digits li').allTextContents()).join('');
  expect(after).toMatch(/^\d{60}$/);
  expect(after).not.toBe(g);
  await Promise.all([gCtx.close(), hCtx.close()]);
});
