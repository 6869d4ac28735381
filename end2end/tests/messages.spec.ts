import { expect, test, Page } from './fixtures';
import * as fs from 'fs';
import * as path from 'path';
import { api, login, register, send } from './helpers';

// Replies, reactions, edits and deletes (and typing and read marks) between two people, live and again from history in
// a fresh browser; none of their words reach the server's disk or log.

const ANN_PW = 'pebble orchard violin 3318';
const BEN_PW = 'harbor thimble quartz 7702';

/** The message whose own text (not a quote of it) contains `text`. */
function message(page: Page, text: string) {
  return page.locator('.message').filter({ has: page.locator(':scope > .text', { hasText: text }) });
}

async function act(page: Page, text: string, action: string) {
  const m = message(page, text);
  await m.hover();
  await m.getByRole('button', { name: action, exact: true }).click();
}

test('reply, react, edit and delete: live, from history, and never in clear on the server', async ({ browser }) => {
  const tag = `${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const replyCanary = `reply-canary-${tag}`;
  const editCanary = `edit-canary-${tag}`;
  const annCtx = await browser.newContext();
  const benCtx = await browser.newContext();
  const ann = await annCtx.newPage();
  const ben = await benCtx.newPage();
  await register(ann, 'ann', 'Ann Perkins', ANN_PW);
  await register(ben, 'ben', 'Ben Wyatt', BEN_PW);
  await ann.locator('li.person[data-username="ben"] button').click();
  await send(ann, 'First words');
  await ben.locator('li.conversation[data-peer="ann"] button').click();
  await expect(message(ben, 'First words')).toBeVisible();
  // Ben has read it: Ann's message says so. Ben types: Ann sees that, until he sends.
  await expect(message(ann, 'First words').locator('.seen')).toHaveText(/Seen/);
  // A slash command is not a message: typing one tells Ann nothing. Her page notes any
  // typing line it ever shows; the message /msg sends reaches her after whatever Ben's
  // typing would have sent, so once it is there, a typing frame would have been too.
  await ann.evaluate(() => {
    const w = window as any;
    w.sawTyping = false;
    new MutationObserver(() => { w.sawTyping ||= !!document.querySelector('.typing'); })
      .observe(document.body, { childList: true, subtree: true });
  });
  const benBox = ben.getByRole('textbox', { name: 'Message', exact: true });
  await benBox.pressSequentially('/msg ann sent by a command');
  await benBox.press('Enter');
  await expect(message(ann, 'sent by a command')).toBeVisible();
  expect(await ann.evaluate(() => (window as any).sawTyping)).toBe(false);
  await ben.getByRole('textbox', { name: 'Message', exact: true }).pressSequentially('Hmm');
  await expect(ann.locator('.typing')).toHaveText('Ben Wyatt is typing…');

  // Ben replies: the reply quotes Ann's message on both sides.
  await act(ben, 'First words', 'Reply');
  await expect(ben.locator('.composer-context')).toContainText('Replying to Ann Perkins');
  await send(ben, replyCanary);
  await expect(ben.locator('.composer-context')).toHaveCount(0);
  for (const p of [ann, ben]) {
    await expect(message(p, replyCanary).locator('.quote')).toContainText('First words');
  }
  await expect(ann.locator('.typing')).toHaveCount(0);

  // Reactions: Ben's thumbs-up reaches Ann; hers makes two; taking hers back makes one.
  await act(ben, 'First words', 'React');
  await ben.getByRole('button', { name: 'React with 👍' }).click();
  const annThumbs = message(ann, 'First words').locator('.reaction', { hasText: '👍' });
  await expect(annThumbs).toHaveText('👍 1');
  await expect(annThumbs).toHaveAttribute('title', 'Ben Wyatt');
  await annThumbs.click();
  await expect(annThumbs).toHaveText('👍 2');
  await expect(annThumbs).toHaveAttribute('aria-pressed', 'true');
  await expect(message(ben, 'First words').locator('.reaction')).toHaveText('👍 2');
  await annThumbs.click();
  await expect(annThumbs).toHaveText('👍 1');
  await expect(annThumbs).toHaveAttribute('aria-pressed', 'false');

  // Ann edits: the text changes everywhere, marked edited, the quote follows. Ben cannot
  // edit or delete her message.
  await message(ben, 'First words').hover();
  await expect(message(ben, 'First words').getByRole('button', { name: 'Edit' })).toHaveCount(0);
  await expect(message(ben, 'First words').getByRole('button', { name: 'Delete' })).toHaveCount(0);
  await act(ann, 'First words', 'Edit');
  const box = ann.getByRole('textbox', { name: 'Message', exact: true });
  await expect(box).toHaveValue('First words');
  await box.fill(`Better words ${editCanary}`);
  await box.press('Enter');
  for (const p of [ann, ben]) {
    const edited = message(p, editCanary);
    await expect(edited.locator('.time')).toContainText('edited');
    await expect(message(p, replyCanary).locator('.quote')).toContainText(editCanary);
  }
  await expect(message(ben, 'First words')).toHaveCount(0);

  // Ann deletes it for everyone (after confirming): a tombstone, the quote says so.
  ann.once('dialog', d => d.accept());
  await act(ann, editCanary, 'Delete');
  for (const p of [ann, ben]) {
    await expect(p.locator('.message.deleted')).toHaveText(/This message was deleted/);
    await expect(message(p, replyCanary).locator('.quote')).toContainText('Deleted message');
    await expect(p.locator('.message:not(.deleted)', { hasText: editCanary })).toHaveCount(0);
  }

  // A fresh browser rebuilds the same from history.
  const freshCtx = await browser.newContext();
  const fresh = await freshCtx.newPage();
  await login(fresh, 'ben', BEN_PW);
  await fresh.locator('li.conversation[data-peer="ann"] button').click();
  await expect(message(fresh, replyCanary).locator('.quote')).toContainText('Deleted message');
  await expect(fresh.locator('.message.deleted')).toHaveCount(1);
  await expect(fresh.locator('.message')).toHaveCount(3);

  // Light formatting (elements, never markup from the sender) and a mention of Ann; a day
  // separator heads the thread.
  await benBox.fill('A **bold** claim, `code`, https://example.org/x and @ann <b>raw</b>');
  await benBox.press('Enter');
  const fmt = message(ann, 'claim');
  await expect(fmt.locator('strong')).toHaveText('bold');
  await expect(fmt.locator('code')).toHaveText('code');
  await expect(fmt.locator('a')).toHaveAttribute('href', 'https://example.org/x');
  await expect(fmt.locator('a')).toHaveAttribute('rel', /noopener/);
  await expect(fmt.locator('b')).toHaveCount(0);
  await expect(fmt).toContainText('<b>raw</b>');
  await expect(fmt).toHaveClass(/mentions-me/);
  await expect(message(ben, 'claim')).not.toHaveClass(/mentions-me/);
  await expect(ann.locator('.day').first()).toHaveText('Today');

  // Presence: Ann hides her tab, so she is away; she closes it, so she was last seen now.
  const annStatus = ben.locator('.thread-head .presence');
  await expect(annStatus).toHaveText('online');
  await ann.evaluate(() => {
    Object.defineProperty(document, 'hidden', { value: true, configurable: true });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  });
  await expect(annStatus).toHaveText('away');
  await expect(ben.locator('li.conversation[data-peer="ann"] .dot')).toHaveClass(/away/);
  await annCtx.close();
  await expect(annStatus).toHaveText(/^last seen \d\d:\d\d$/);

  // Neither the reply nor the edit is anywhere in the database files or the log.
  const dir = process.env.HEARTH_TEST_DATA!;
  const files = fs.readdirSync(dir).filter(f => f.startsWith('hearth.db') || f === 'server.log');
  expect(files).toContain('hearth.db');
  for (const f of files) {
    const bytes = fs.readFileSync(path.join(dir, f));
    for (const secret of [replyCanary, editCanary, tag]) {
      expect(bytes.includes(Buffer.from(secret)), `${secret} found in ${f}`).toBe(false);
    }
  }
  expect(await ben.content()).toContain(replyCanary);

  await Promise.all([benCtx.close(), freshCtx.close()]);
});

// Issue 18, item 2: a server that renumbers history or blanks a message. Edits, replies,
// reactions and deletes name their target by what its own encryption covers (its sender
// and client id), so they stay on their true messages; a message blanked without a delete
// signed by its sender shows as removed by the server, not as deleted by its sender.
test('history served with ids swapped and a message blanked keeps every event on its true message', async ({ browser }) => {
  const cal = await (await browser.newContext()).newPage();
  const dee = await (await browser.newContext()).newPage();
  await register(cal, 'cal', 'Cal Abbot', 'saffron mitten lagoon 5151');
  await register(dee, 'dee', 'Dee Moss', 'quiver harbor tulip 6262');
  await cal.locator('li.person[data-username="dee"] button').click();
  for (const t of ['alpha one', 'beta two', 'gamma three', 'delta four', 'epsilon five']) await send(cal, t);
  await dee.locator('li.conversation[data-peer="cal"] button').click();
  await act(dee, 'alpha one', 'React');
  await dee.getByRole('button', { name: 'React with 👍' }).click();
  await act(dee, 'beta two', 'Reply');
  await send(dee, 'answer to beta');
  await act(cal, 'gamma three', 'Edit');
  const box = cal.getByRole('textbox', { name: 'Message', exact: true });
  await box.fill('gamma three, edited');
  await box.press('Enter');
  cal.once('dialog', d => d.accept());
  await act(cal, 'delta four', 'Delete');
  await expect(dee.locator('.message.deleted')).toHaveText(/This message was deleted/);
  await expect(message(dee, 'gamma three, edited')).toBeVisible();

  // From now on Dee's history comes back with alpha's and beta's ids swapped and epsilon's
  // envelope blanked (the real answer, fetched from the page and altered).
  const calId = (await api(cal, 'whoami')).body.id;
  await dee.route('**/api/history', async (route) => {
    if (route.request().headers()['x-test-real']) return route.continue();
    const answer = await dee.evaluate(async (body) => {
      const res = await fetch('/api/history', {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-test-real': '1' }, body,
      });
      return res.json();
    }, route.request().postData() ?? '{}');
    const rows = answer.Ok.messages as { id: number, sender: string, envelope: string }[];
    const cals = rows.filter((m) => m.sender === calId).sort((a, b) => a.id - b.id);
    const [alpha, beta, , , epsilon] = cals;
    [alpha.id, beta.id] = [beta.id, alpha.id];
    epsilon.envelope = '';
    await route.fulfill({ contentType: 'application/json', body: JSON.stringify(answer) });
  });
  await dee.reload();
  await dee.locator('li.conversation[data-peer="cal"] button').click();
  await expect(message(dee, 'alpha one').locator('.reaction', { hasText: '👍' })).toHaveText('👍 1');
  await expect(message(dee, 'beta two').locator('.reaction')).toHaveCount(0);
  await expect(message(dee, 'answer to beta').locator('.quote')).toContainText('beta two');
  await expect(message(dee, 'gamma three, edited')).toBeVisible();
  await expect(dee.locator('.message.deleted', { hasText: 'This message was deleted.' })).toHaveCount(1);
  await expect(dee.locator('.message.deleted', { hasText: 'removed on the server' })).toHaveCount(1);
  await expect(message(dee, 'epsilon five')).toHaveCount(0);
});
