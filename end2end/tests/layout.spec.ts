import { expect, Page, test } from './fixtures';
import { register, send } from './helpers';

/** Nothing sticks out sideways: the page is no wider than the screen. */
async function fits(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(page.viewportSize()!.width);
}

test('at 360 px every main screen fits the width, one pane at a time', async ({ browser }) => {
  const phone = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
  await phone.goto('/login');
  await fits(phone);
  await register(phone, 'yara', 'Yara Quintero-Villalobos', 'cobalt lantern orchard 3524');
  await fits(phone);
  await phone.locator('li.conversation', { hasText: 'Everyone' }).locator('button').click();
  await expect(phone.locator('.sidebar')).toBeHidden();
  await send(phone, 'a rather long line of text without many breaks to see that it wraps inside the bubble on a narrow phone screen https://example.invalid/a/very/long/path/that/does/not/break/easily');
  await fits(phone);
  await phone.getByRole('button', { name: 'Find in this conversation' }).click();
  await fits(phone);
  await phone.getByRole('button', { name: 'Close search' }).click();
  await phone.getByRole('button', { name: 'Back' }).click();
  await expect(phone.locator('.sidebar')).toBeVisible();
  await phone.locator('.account summary').click();
  await fits(phone);
});

test('the keyboard reaches everything: Ctrl+K finds, Escape closes, a message focused shows its actions', async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  await register(page, 'zeke', 'Zeke Amar', 'harbor pepper violin 4635');
  await page.keyboard.press('Control+k');
  await expect(page.getByLabel('Words to find')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('search', { name: 'Search messages' })).toBeHidden();
  await page.locator('li.conversation', { hasText: 'Everyone' }).locator('button').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('.thread-head')).toContainText('Everyone');
  await send(page, 'keyboard only');
  const msg = page.locator('.message.mine', { hasText: 'keyboard only' });
  await msg.focus();
  await page.keyboard.press('Tab');
  await expect(msg.getByRole('button', { name: 'React' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(msg.getByRole('button', { name: 'Reply' })).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  const picker = msg.getByRole('group', { name: 'Pick a reaction' });
  await expect(picker).toBeVisible();
  for (const next of ['Reply', 'Edit', 'Delete']) {
    await page.keyboard.press('Tab');
    await expect(msg.getByRole('button', { name: next, exact: true })).toBeFocused();
  }
  await page.keyboard.press('Tab');
  await expect(picker.getByRole('button').first()).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(msg.locator('.reactions')).toContainText('1');
  // The message is drawn again with its reaction: the keyboard stays on it, and goes on
  // from there (to the reaction's own button, which takes it back).
  await expect(msg).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(msg.locator('.reactions button')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(msg.locator('.reactions')).toHaveCount(0);
  await expect(msg).toBeFocused();
});

test('on a touch screen only the message tapped shows its actions, and a tap elsewhere puts them away', async ({ browser }) => {
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })).newPage();
  await register(phone, 'pavel', 'Pavel Okafor', 'quartz meadow lantern 7782');
  expect(await phone.evaluate(() => matchMedia('(hover: none)').matches)).toBe(true);
  await phone.locator('li.conversation[data-group="Everyone"] button').click();
  await send(phone, 'first from the phone');
  await send(phone, 'second from the phone');
  const first = phone.locator('.message.mine', { hasText: 'first from the phone' });
  const second = phone.locator('.message.mine', { hasText: 'second from the phone' });
  await expect(phone.locator('.message .actions:visible')).toHaveCount(0);
  await first.locator('.text').tap();
  await expect(first.getByRole('button', { name: 'React' })).toBeVisible();
  await expect(second.getByRole('button', { name: 'React' })).toBeHidden();
  // Its actions work from there.
  await first.getByRole('button', { name: 'Reply' }).tap();
  await expect(phone.locator('.composer-context')).toContainText('Replying to yourself');
  await phone.getByRole('button', { name: 'Cancel' }).tap();
  // A tap beside the messages puts the actions away.
  await phone.locator('.thread-head .title').tap();
  await expect(phone.locator('.message .actions:visible')).toHaveCount(0);
  await second.locator('.text').tap();
  await expect(second.getByRole('button', { name: 'React' })).toBeVisible();
  await expect(first.getByRole('button', { name: 'React' })).toBeHidden();
});
