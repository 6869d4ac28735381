// Not a test: takes screenshots of a running server for a person to look at.
// Usage: node screenshots.mjs http://127.0.0.1:3999 /tmp/shots
import { chromium } from '@playwright/test';
const [base, out] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
async function user(name, display, pw, viewport) {
  const ctx = await browser.newContext({ viewport });
  const page = await ctx.newPage();
  await page.goto(base + '/register');
  await page.screenshot({ path: `${out}/register-${viewport.width}.png` });
  await page.getByLabel('Username').fill(name);
  await page.getByLabel('Display name').fill(display);
  await page.getByLabel('Password', { exact: true }).fill(pw);
  await page.getByLabel('Repeat password').fill(pw);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'I have saved it' }).waitFor();
  await page.screenshot({ path: `${out}/recovery-${viewport.width}.png` });
  await page.getByRole('button', { name: 'I have saved it' }).click();
  await page.waitForURL(base + '/');
  await page.locator('.me .status.online').waitFor();
  return page;
}
const a = await user('erin', 'Erin Example', 'sapphire tundra lantern 77', { width: 1200, height: 760 });
const b = await user('frank', 'Frank Phone', 'granite orchid bicycle 88', { width: 360, height: 720 });
await a.reload();
await a.locator('li.person[data-username="frank"] button').click();
for (const t of ['Hi Frank! Lunch at noon? 🍜', 'The projector in room 2 is free after 3.', 'A longer message to see how wrapping looks when someone writes a paragraph rather than a quick line, which happens more than you would think.']) {
  await a.getByRole('textbox', { name: 'Message', exact: true }).fill(t); await a.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
}
await a.locator('.message.mine:not(.pending)').nth(2).waitFor();
await b.locator('li.conversation[data-peer="erin"] .unread').waitFor();
await b.screenshot({ path: `${out}/sidebar-360.png` });
await b.locator('li.conversation[data-peer="erin"] button').click();
await b.getByRole('textbox', { name: 'Message', exact: true }).fill('Sounds good 👍'); await b.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
await b.locator('.message.mine:not(.pending)').waitFor();
await b.screenshot({ path: `${out}/thread-360.png` });
await a.locator('.message:not(.mine)').waitFor();
await a.screenshot({ path: `${out}/desktop.png` });
await a.getByRole('button', { name: 'Safety number' }).click();
await a.screenshot({ path: `${out}/safety.png` });
await a.getByRole('button', { name: 'New group' }).click();
const form = a.locator('section[aria-label="New group"]');
await form.getByLabel('Name').fill('Lab 2 lunch');
await form.getByLabel('Description').fill('Who is in for noodles?');
await form.getByRole('button', { name: '🍕' }).click();
await form.locator('label[data-username="frank"] input').check();
await a.screenshot({ path: `${out}/new-group.png` });
await form.getByRole('button', { name: 'Create group' }).click();
await a.locator('.thread-head .title', { hasText: 'Lab 2 lunch' }).waitFor();
const msg = a.getByRole('textbox', { name: 'Message', exact: true });
await msg.fill('Noodles at 12:30?'); await msg.press('Enter');
await b.getByRole('button', { name: 'Back' }).click();
await b.locator('li.conversation[data-group="Lab 2 lunch"] button').click();
await b.locator('.message', { hasText: 'Noodles' }).waitFor();
const bmsg = b.getByRole('textbox', { name: 'Message', exact: true });
await bmsg.fill('In! 🍜'); await bmsg.press('Enter');
await a.locator('.message', { hasText: 'In!' }).waitFor();
await a.locator('.thread-head button.presence').click();
await a.getByRole('button', { name: 'Create invite' }).click();
await a.locator('.invite-code').waitFor();
await a.screenshot({ path: `${out}/group-desktop.png` });
await b.screenshot({ path: `${out}/group-360.png` });
await browser.close();
