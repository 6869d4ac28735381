import { expect, Page, test } from './fixtures';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { register } from './helpers';

const FRAN_PW = 'copper kettle whistles 4471';
const GIL_PW = 'seventeen paper lanterns 2090';
const BIG = 200 * 1024 * 1024;

/** A file of pseudo-random bytes with a canary near the start, in the middle and at the end. */
function bigFile(dir: string, name: string, canary: string): { file: string; sha: string } {
  const file = path.join(dir, name);
  const fd = fs.openSync(file, 'w');
  const hash = crypto.createHash('sha256');
  const block = 1024 * 1024;
  for (let at = 0; at < BIG; at += block) {
    const buf = crypto.randomBytes(block);
    if (at === 0 || at === BIG / 2 || at + block >= BIG) {
      buf.write(canary, 100);
    }
    hash.update(buf);
    fs.writeSync(fd, buf);
  }
  fs.closeSync(fd);
  return { file, sha: hash.digest('hex') };
}

/** A 640×400 PNG drawn by the browser, with its SHA-256. */
async function png(page: Page, dir: string, name: string): Promise<{ file: string; sha: string }> {
  const b64 = await page.evaluate(async () => {
    const c = new OffscreenCanvas(640, 400);
    const g = c.getContext('2d')!;
    const grad = g.createLinearGradient(0, 0, 640, 400);
    grad.addColorStop(0, '#c2410c');
    grad.addColorStop(1, '#fde7d6');
    g.fillStyle = grad;
    g.fillRect(0, 0, 640, 400);
    g.fillStyle = '#1f1a17';
    g.font = '48px sans-serif';
    g.fillText('Hearth 🔥', 40, 220);
    const bytes = new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer());
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  });
  const file = path.join(dir, name);
  const bytes = Buffer.from(b64, 'base64');
  fs.writeFileSync(file, bytes);
  return { file, sha: crypto.createHash('sha256').update(bytes).digest('hex') };
}

async function sha256(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every file under a folder, recursively. */
function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]);
}

/** True when `needle` occurs in the file, read in pieces (the blobs are large). */
function contains(file: string, needle: Buffer): boolean {
  const fd = fs.openSync(file, 'r');
  const piece = Buffer.alloc(8 * 1024 * 1024);
  let carry = Buffer.alloc(0);
  try {
    for (;;) {
      const n = fs.readSync(fd, piece, 0, piece.length, null);
      if (n === 0) return false;
      const window = Buffer.concat([carry, piece.subarray(0, n)]);
      if (window.includes(needle)) return true;
      carry = window.subarray(Math.max(0, window.length - needle.length));
    }
  } finally {
    fs.closeSync(fd);
  }
}

test('fran sends a 200 MB file and a PNG to gil; gil gets both intact; nothing readable reaches the server', async ({ browser }) => {
  const canary = `canary-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-files-'));
  const franCtx = await browser.newContext();
  const gilCtx = await browser.newContext({ acceptDownloads: true });
  const fran = await franCtx.newPage();
  const gil = await gilCtx.newPage();
  const franSays: string[] = [];
  fran.on('console', m => franSays.push(m.text()));
  const gilSays: string[] = [];
  gil.on('console', m => gilSays.push(m.text()));
  await register(fran, 'fran', 'Fran Kettle', FRAN_PW);
  await register(gil, 'gil', 'Gil Lantern', GIL_PW);

  const bigName = `report-${canary}.bin`;
  const picName = `picture-${canary}.png`;
  const big = bigFile(tmp, bigName, canary);
  const pic = await png(fran, tmp, picName);

  await fran.locator('li.person[data-username="gil"] button').click();
  const started = Date.now();
  await fran.getByLabel('Send files').setInputFiles([big.file, pic.file]);
  // Progress with percent and speed, then both acknowledged.
  await expect(fran.locator('.upload', { hasText: bigName }).locator('progress')).toBeVisible();
  const sent = fran.locator('.message.mine:not(.pending)');
  await expect(sent.locator('.file-card', { hasText: bigName })).toBeVisible({ timeout: 150_000 });
  console.log(`sending 200 MB (seal + upload) took ${Date.now() - started} ms`);
  await expect(sent.locator('figure.image img')).toBeVisible();
  await expect(fran.locator('.upload')).toHaveCount(0);
  // Over HTTPS the browser's own AES-GCM seals the chunks.
  expect(franSays.filter(t => t.includes('AES-GCM in')).map(t => t.replace(/.*AES-GCM in /, '')))
    .toEqual(['WebCrypto', 'WebCrypto']);

  // Gil sees the picture inline (a thumbnail made by Fran's browser) and the file card.
  const conv = gil.locator('li.conversation[data-peer="fran"]');
  await conv.locator('button').click();
  const thumb = gil.locator('figure.image img');
  await expect(thumb).toBeVisible();
  expect(await thumb.evaluate((img: HTMLImageElement) => img.src.startsWith('blob:') && img.naturalWidth > 0)).toBe(true);
  await expect(gil.locator('.file-card', { hasText: bigName })).toContainText('210 MB');

  // Both download, decrypting as they stream, under their own names and byte for byte.
  for (const [name, sha] of [[picName, pic.sha], [bigName, big.sha]]) {
    const t0 = Date.now();
    const [download] = await Promise.all([
      gil.waitForEvent('download', { timeout: 150_000 }),
      gil.getByRole('button', { name: `Download ${name}` }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(name);
    const saved = await download.path();
    console.log(`downloading ${name} took ${Date.now() - t0} ms`);
    expect(await sha256(saved!)).toBe(sha);
  }

  // The viewer opens the picture full size.
  await thumb.click();
  const full = gil.locator('.viewer img.full');
  await expect(full).toBeVisible();
  expect(await full.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(640);
  await gil.getByRole('button', { name: 'Close' }).click();
  await expect(gil.locator('.viewer')).toHaveCount(0);
  // Gil's browser opened every chunk with its own AES-GCM too (fran's blobs were sealed
  // by WebCrypto as well; the WASM cipher opening them is the unit tests' business).
  const opened = gilSays.filter(t => t.includes('opened with AES-GCM in')).map(t => t.replace(/.*AES-GCM in /, ''));
  expect(opened.length).toBeGreaterThanOrEqual(2);
  expect(new Set(opened)).toEqual(new Set(['WebCrypto']));

  // Cancelling a send stops it and leaves no message.
  const before = await sent.count();
  await fran.getByLabel('Send files').setInputFiles(big.file);
  await fran.getByRole('button', { name: `Cancel sending ${bigName}` }).click();
  await expect(fran.locator('.upload')).toHaveCount(0);
  await fran.waitForTimeout(500);
  await expect(fran.locator('.message.mine')).toHaveCount(before);

  // Dropped and pasted files are sent too.
  await fran.locator('.thread').evaluate(el => {
    const dt = new DataTransfer();
    dt.items.add(new File(['dropped notes'], 'dropped.txt', { type: 'text/plain' }));
    el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await fran.getByRole('textbox', { name: 'Message', exact: true }).evaluate(el => {
    const dt = new DataTransfer();
    dt.items.add(new File(['pasted'], 'pasted.txt', { type: 'text/plain' }));
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  });
  for (const name of ['dropped.txt', 'pasted.txt']) {
    await expect(gil.locator('.file-card', { hasText: name })).toBeVisible();
  }

  // The canary, in a file's content and in both names, is nowhere on the server's disk or log.
  const dir = process.env.HEARTH_TEST_DATA!;
  const uploads = walk(path.join(dir, 'uploads'));
  const finished = uploads.filter(f => !path.relative(path.join(dir, 'uploads'), f).startsWith('tmp'));
  expect(finished.length, 'the four sent files are stored').toBe(4);
  const checked = [...uploads, ...fs.readdirSync(dir).filter(f => f.startsWith('hearth.db') || f === 'server.log').map(f => path.join(dir, f))];
  const needle = Buffer.from(canary);
  for (const f of checked) {
    expect(f.includes(canary), `canary in the path ${f}`).toBe(false);
    expect(contains(f, needle), `canary found in ${f}`).toBe(false);
  }
  // The check can fail: the canary really is in what was sent.
  expect(contains(big.file, needle)).toBe(true);
  await expect(gil.locator('.file-card', { hasText: canary })).toBeVisible();

  fs.rmSync(tmp, { recursive: true, force: true });
  await Promise.all([franCtx.close(), gilCtx.close()]);
});

test('the picture viewer holds the keyboard, closes on Escape or beside the picture, and gives focus back', async ({ browser }) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-viewer-'));
  const [hana, ivo] = await Promise.all([0, 1].map(async () => (await browser.newContext()).newPage()));
  await register(hana, 'hana', 'Hana Vale', FRAN_PW);
  await register(ivo, 'ivo', 'Ivo Brandt', GIL_PW);
  const pic = await png(hana, tmp, 'harbour.png');
  await hana.locator('li.person[data-username="ivo"] button').click();
  await hana.getByLabel('Send files').setInputFiles(pic.file);
  await ivo.locator('li.conversation[data-peer="hana"] button').click();

  const thumb = ivo.getByRole('button', { name: 'Open harbour.png' });
  const viewer = ivo.getByRole('dialog', { name: 'harbour.png' });
  const focusInViewer = () => ivo.evaluate(() => !!document.activeElement?.closest('.viewer'));
  await thumb.click();
  await expect(viewer.locator('img.full')).toBeVisible();
  // Focus is in the dialog and Tab keeps it there; the page behind takes no clicks.
  expect(await focusInViewer()).toBe(true);
  for (let i = 0; i < 4; i++) {
    await ivo.keyboard.press('Tab');
    expect(await focusInViewer()).toBe(true);
  }
  // Escape closes it, and focus is back on the thumbnail.
  await ivo.keyboard.press('Escape');
  await expect(viewer).toHaveCount(0);
  await expect(thumb).toBeFocused();

  // A click on the dark area beside the picture closes it too.
  await thumb.click();
  await expect(viewer.locator('img.full')).toBeVisible();
  const box = (await viewer.boundingBox())!;
  await ivo.mouse.click(box.x + 8, box.y + box.height - 8);
  await expect(viewer).toHaveCount(0);
  // And the conversation list works again at once.
  await ivo.locator('li.conversation[data-group="Everyone"] button').click();
  await expect(ivo.locator('.thread-head .title')).toHaveText('Everyone');
  fs.rmSync(tmp, { recursive: true, force: true });
  await Promise.all([hana.context().close(), ivo.context().close()]);
});

test('eight files picked at once take turns and all arrive', async ({ browser }) => {
  const [jo, kim] = await Promise.all([0, 1].map(async () => (await browser.newContext()).newPage()));
  await register(jo, 'joan', 'Jo Marsh', FRAN_PW);
  await register(kim, 'kiran', 'Kiran Lund', GIL_PW);
  await jo.locator('li.person[data-username="kiran"] button').click();
  // Big enough to be under way together: the server streams four per person at once
  // and refuses a fifth, so the browser must queue the rest rather than fail them.
  const files = Array.from({ length: 8 }, (_, i) => ({
    name: `part-${i + 1}.bin`,
    mimeType: 'application/octet-stream',
    buffer: crypto.randomBytes(3 * 1024 * 1024),
  }));
  await jo.getByLabel('Send files').setInputFiles(files);
  await kim.locator('li.person[data-username="joan"] button').click();
  for (const f of files) {
    await expect(kim.locator('.file-card', { hasText: f.name })).toBeVisible({ timeout: 60_000 });
  }
  await expect(jo.locator('.upload')).toHaveCount(0);
  await expect(jo.getByRole('alert')).toHaveCount(0);
  await Promise.all([jo.context().close(), kim.context().close()]);
});

test('files claiming SVG or HTML types are offered as files, never shown or run', async ({ browser }) => {
  const [lena, milo] = await Promise.all([0, 1].map(async () => (await browser.newContext()).newPage()));
  await register(lena, 'lena', 'Lena Ruiz', FRAN_PW);
  await register(milo, 'milo', 'Milo Grant', GIL_PW);
  await lena.locator('li.person[data-username="milo"] button').click();
  const script = 'window.top.pwned = true; document.title = "pwned"';
  await lena.getByLabel('Send files').setInputFiles([
    { name: 'cat.svg', mimeType: 'image/svg+xml',
      buffer: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" onload='${script}'><script>${script}</script><rect width="10" height="10"/></svg>`) },
    { name: 'page.html', mimeType: 'text/html',
      buffer: Buffer.from(`<html><body><script>${script}</script><img src=x onerror='${script}'></body></html>`) },
  ]);
  await milo.locator('li.person[data-username="lena"] button').click();
  for (const name of ['cat.svg', 'page.html']) {
    const card = milo.locator('.file-card', { hasText: name });
    await expect(card).toBeVisible({ timeout: 60_000 });
    await expect(card.locator('img, iframe, object, embed, svg image')).toHaveCount(0);
  }
  await expect(milo.locator('figure.image')).toHaveCount(0);
  // Opening one saves it as a download; nothing of it runs in the page.
  const [saved] = await Promise.all([
    milo.waitForEvent('download'),
    milo.getByRole('button', { name: 'Download cat.svg' }).click(),
  ]);
  expect(saved.suggestedFilename()).toBe('cat.svg');
  for (const page of [lena, milo]) {
    expect(await page.evaluate(() => (window as any).pwned)).toBeUndefined();
    expect(await page.title()).not.toBe('pwned');
  }
  await Promise.all([lena.context().close(), milo.context().close()]);
});
