import { expect, test } from '@playwright/test';
import { register, send } from './helpers';

test('both people see the same 60-digit safety number', async ({ browser }) => {
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
    return (await groups.allTextContents()).join('');
  };
  const g = await digits(gina);
  const h = await digits(hank);
  expect(g).toMatch(/^\d{60}$/);
  expect(h).toBe(g);
  await Promise.all([gCtx.close(), hCtx.close()]);
});
