import { expect, test } from './fixtures';
import { register } from './helpers';

// The emoji picker (search, categories, recent), `:shortcode` suggestions and expansion,
// and reactions from the full picker.

test('emoji: picker search and recent, :shortcode suggestions, reactions from the picker', async ({ browser }) => {
  const catCtx = await browser.newContext();
  const danCtx = await browser.newContext();
  const cat = await catCtx.newPage();
  const dan = await danCtx.newPage();
  await register(cat, 'cat', 'Cat Grant', 'velvet meadow lantern 5521');
  await register(dan, 'dan', 'Dan Rather', 'copper violin orchard 9914');
  await cat.locator('li.person[data-username="dan"] button').click();
  const box = cat.getByRole('textbox', { name: 'Message', exact: true });

  // Search the picker by name; the pick lands in the composer.
  await cat.getByRole('button', { name: 'Emoji', exact: true }).click();
  const picker = cat.getByRole('group', { name: 'Emoji' });
  await picker.getByRole('button', { name: 'Animals and nature' }).click();
  await expect(picker.getByRole('button', { name: 'dog face', exact: true })).toBeVisible();
  await picker.getByLabel('Search emoji').fill('rocket');
  await picker.getByRole('button', { name: 'rocket', exact: true }).click();
  await expect(picker).toHaveCount(0);
  await expect(box).toHaveValue('🚀');
  await box.press('Enter');
  await expect(cat.locator('.message.mine:not(.pending)', { hasText: '🚀' })).toHaveCount(1);

  // A `:shortcode` being typed offers suggestions; Tab takes the first.
  await box.pressSequentially('yay :tad');
  await expect(cat.getByRole('list', { name: 'Emoji suggestions' })).toContainText(':tada:');
  await box.press('Tab');
  await expect(box).toHaveValue('yay 🎉');
  await expect(cat.getByRole('list', { name: 'Emoji suggestions' })).toHaveCount(0);
  await box.press('Enter');
  // One typed out in full becomes its emoji when sent; other colons stay.
  await box.fill('at 10:30 :fire: :notacode:');
  await box.press('Enter');
  await expect(cat.locator('.message.mine:not(.pending)', { hasText: 'at 10:30 🔥 :notacode:' })).toHaveCount(1);

  // The picker remembers: recent first.
  await cat.getByRole('button', { name: 'Emoji', exact: true }).click();
  const recent = picker.locator('.grid button');
  await expect(recent.first()).toHaveText('🎉');
  await expect(recent.nth(1)).toHaveText('🚀');
  await cat.getByRole('button', { name: 'Emoji', exact: true }).click();

  // Dan reacts from the full picker.
  await dan.locator('li.conversation[data-peer="cat"] button').click();
  const rocket = dan.locator('.message', { hasText: '🚀' });
  await rocket.hover();
  await rocket.getByRole('button', { name: 'React', exact: true }).click();
  await rocket.getByRole('button', { name: 'More reactions' }).click();
  const reactions = dan.getByRole('group', { name: 'Pick a reaction' });
  await reactions.getByLabel('Search emoji').fill('fire');
  await reactions.getByRole('button', { name: 'fire', exact: true }).click();
  await expect(cat.locator('.message', { hasText: '🚀' }).locator('.reaction')).toHaveText('🔥 1');

  await Promise.all([catCtx.close(), danCtx.close()]);
});
