// Not a test: measures sending and receiving a large file in headless Chromium against a
// running server, for docs/PERFORMANCE.md. Prints the browser's own figures (the
// "hearth:" lines: total and crypto MB/s) and the peak memory of Chromium's processes.
// Usage: node bench-files.mjs http://127.0.0.1:3999 [megabytes, default 1024]
import { chromium } from '@playwright/test';
import { benchUser } from './bench-user.mjs';
import { execSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const [base, mbArg] = process.argv.slice(2);
const MB = Number(mbArg ?? 1024);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-bench-'));
const file = path.join(tmp, `bench-${MB}MB.bin`);
{
  const fd = fs.openSync(file, 'w');
  const block = crypto.randomBytes(1 << 20);
  for (let i = 0; i < MB; i++) { block[0] = i & 255; fs.writeSync(fd, block); }
  fs.closeSync(fd);
}

/** Resident memory of every Chromium process, in MiB, and the same by process type. */
function chromiumRss() {
  const out = execSync('ps -C chromium -o rss=,args= || true').toString();
  const byType = {};
  let total = 0;
  for (const line of out.split('\n').filter(Boolean)) {
    const rss = Number(line.trim().split(/\s+/)[0]) / 1024;
    const type = (line.match(/--type=([a-z-]+)/) || [, 'browser'])[1];
    const util = (line.match(/--utility-sub-type=([a-z.]+)/) || [, ''])[1];
    const key = util ? `${type}:${util}` : type;
    byType[key] = (byType[key] || 0) + rss;
    total += rss;
  }
  return { total, byType };
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const stamp = Date.now().toString(36);
async function user(name) {
  const page = await benchUser(browser, base, name, { options: { acceptDownloads: true } });
  page.on('console', m => { if (m.text().startsWith('hearth:')) console.log(`${name}: ${m.text()}`); });
  return page;
}
const sender = await user(`s${stamp}`);
const receiver = await user(`r${stamp}`);
await sender.reload();
await sender.locator(`li.person[data-username="r${stamp}"] button`).click();

async function sampled(label, work) {
  const before = chromiumRss().total;
  let peak = before, at = {};
  const timer = setInterval(() => { const m = chromiumRss(); if (m.total > peak) { peak = m.total; at = m.byType; } }, 200);
  const t0 = Date.now();
  await work();
  clearInterval(timer);
  const secs = (Date.now() - t0) / 1000;
  console.log(`${label}: ${secs.toFixed(1)} s end to end (${(MB * 1.048576 / secs).toFixed(1)} MB/s); ` +
    `Chromium RSS ${before.toFixed(0)} MiB before, peak ${peak.toFixed(0)} MiB (+${(peak - before).toFixed(0)} MiB)`);
  console.log(`  at the peak, MiB by process type: ${Object.entries(at).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
}

await sampled(`send ${MB} MiB`, async () => {
  await sender.getByLabel('Send files').setInputFiles(file);
  await sender.locator('.message.mine:not(.pending) .file-card').waitFor({ timeout: 30 * 60_000 });
});
{
  // Garbage or held? After a forced collection, memory the page still holds stays.
  const cdp = await sender.context().newCDPSession(sender);
  await cdp.send('HeapProfiler.collectGarbage');
  await new Promise(r => setTimeout(r, 1000));
  console.log(`after a forced garbage collection: Chromium RSS ${chromiumRss().total.toFixed(0)} MiB`);
}
await receiver.reload();
await receiver.locator(`li.conversation[data-peer="s${stamp}"] button`).click();
await sampled(`receive ${MB} MiB`, async () => {
  const [download] = await Promise.all([
    receiver.waitForEvent('download', { timeout: 30 * 60_000 }),
    receiver.getByRole('button', { name: `Download bench-${MB}MB.bin` }).click(),
  ]);
  await download.path();
});
await browser.close();
fs.rmSync(tmp, { recursive: true, force: true });
