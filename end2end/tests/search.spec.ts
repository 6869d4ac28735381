import { expect, Page, test } from './fixtures';
import { register, send } from './helpers';

async function find(page: Page, words: string, where: 'all' | 'here') {
  const panel = page.getByRole('search', { name: 'Search messages' });
  await panel.getByLabel('Where').selectOption(where);
  await panel.getByLabel('Words to find').fill(words);
  await panel.getByRole('button', { name: 'Find' }).click();
  return panel;
}

test('search finds decrypted messages in one conversation or all, and jumps to older ones', async ({ browser }) => {
  const ulla = await (await browser.newContext()).newPage();
  const vic = await (await browser.newContext()).newPage();
  await register(ulla, 'ulla', 'Ulla Patel', 'thistle rocket cobalt 8180');
  await register(vic, 'vic', 'Vic Lorne', 'saddle prism orchard 9291');

  // The match is more than a page of history back (pages are 50 messages).
  await ulla.locator('li.person[data-username="vic"] button').click();
  await send(ulla, 'the blue kettle is in lab 3');
  const box = ulla.getByRole('textbox', { name: 'Message', exact: true });
  for (let i = 1; i <= 55; i++) {
    await box.fill(`filler ${i}`);
    await box.press('Enter');
  }
  await expect(ulla.locator('.message.mine:not(.pending)', { hasText: 'filler 55' })).toHaveCount(1);
  await vic.locator('li.conversation', { hasText: 'Everyone' }).locator('button').click();
  await send(vic, 'who moved the kettle?');

  // Across all conversations: every word must match, in any case.
  await vic.getByRole('button', { name: 'Find messages' }).click();
  let panel = await find(vic, 'KETTLE blue', 'all');
  await expect(panel.getByRole('status')).toHaveText('1 message');
  await expect(panel.locator('.hit')).toContainText('Ulla Patel');
  panel = await find(vic, 'kettle', 'all');
  await expect(panel.getByRole('status')).toHaveText('2 messages');
  panel = await find(vic, 'teapot', 'all');
  await expect(panel.getByRole('status')).toHaveText('No messages match.');

  // Only the open conversation.
  panel = await find(vic, 'kettle', 'here');
  await expect(panel.getByRole('status')).toHaveText('1 message');
  await expect(panel.locator('.hit')).toContainText('who moved the kettle?');

  // A result opens its conversation at the message, loading older pages to reach it.
  panel = await find(vic, 'blue kettle', 'all');
  await panel.locator('.hit').first().click();
  await expect(vic.locator('.thread-head')).toContainText('Ulla Patel');
  await expect(vic.locator('.message[data-found]')).toContainText('the blue kettle is in lab 3');
  await expect(vic.locator('.message[data-found]')).toBeInViewport();

  // A new message is found without reloading.
  await send(ulla, 'kettle descaled');
  panel = await find(vic, 'descaled', 'all');
  await expect(panel.getByRole('status')).toHaveText('1 message');
});

test('@ suggests the people of the conversation; Tab completes the name', async ({ browser }) => {
  const wren = await (await browser.newContext()).newPage();
  const xavi = await (await browser.newContext()).newPage();
  await register(wren, 'wren', 'Wren Hale', 'marble tundra violin 1302');
  await register(xavi, 'xavi', 'Xavi Mora', 'pepper glacier anchor 2413');
  await wren.locator('li.conversation', { hasText: 'Everyone' }).locator('button').click();
  const box = wren.getByRole('textbox', { name: 'Message', exact: true });
  await box.fill('thanks @xa');
  const list = wren.getByRole('list', { name: 'People to mention' });
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list).toContainText('Xavi Mora');
  await box.press('Tab');
  await expect(box).toHaveValue('thanks @xavi ');
  await box.press('Enter');
  await xavi.locator('li.conversation', { hasText: 'Everyone' }).locator('button').click();
  await expect(xavi.locator('.message.mentions-me', { hasText: 'thanks @xavi' })).toHaveCount(1);
  // By a word of the name too; a name typed in full (any case), or a bare @, sends on Enter.
  await box.fill('@mor');
  await expect(list).toContainText('@xavi');
  await box.fill('see you @Xavi');
  await box.press('Enter');
  await expect(wren.locator('.message.mine:not(.pending)', { hasText: 'see you @Xavi' })).toHaveCount(1);
  await box.fill('email me @');
  await box.press('Enter');
  await expect(wren.locator('.message.mine:not(.pending)', { hasText: 'email me @' })).toHaveCount(1);
});
