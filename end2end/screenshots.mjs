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
  await a.getByLabel('Message').fill(t); await a.getByLabel('Message').press('Enter');
}
await a.locator('.message.mine:not(.pending)').nth(2).waitFor();
await b.locator('li.conversation .unread').waitFor();
await b.screenshot({ path: `${out}/sidebar-360.png` });
await b.locator('li.conversation button').click();
await b.getByLabel('Message').fill('Sounds good 👍'); await b.getByLabel('Message').press('Enter');
await b.locator('.message.mine:not(.pending)').waitFor();
await b.screenshot({ path: `${out}/thread-360.png` });
await a.locator('.message:not(.mine)').waitFor();
await a.screenshot({ path: `${out}/desktop.png` });
await a.getByRole('button', { name: 'Safety number' }).click();
await a.screenshot({ path: `${out}/safety.png` });
await browser.close();
