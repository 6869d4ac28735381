import { chromium, expect, test } from './fixtures';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// The run's server speaks HTTPS with its own CA, which this Chromium trusts as a phone
// that installed the CA would: a secure context, where the service worker may run.
test('over HTTPS the app is installable and its shell and WASM load from the service worker', async ({ browser, problems }) => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto('/login');

  // Fetched by the page (which trusts the CA), not by the test runner.
  const get = (url: string) => page.evaluate(async (u) => {
    const r = await fetch(u);
    const bytes = new Uint8Array(await r.arrayBuffer());
    return { status: r.status, type: r.headers.get('content-type') ?? '', build: r.headers.get('x-hearth-build'),
      text: new TextDecoder().decode(bytes) };
  }, url);
  const res = await get('/manifest.webmanifest');
  expect(res.status).toBe(200);
  expect(res.type).toContain('application/manifest+json');
  const manifest = JSON.parse(res.text);
  expect(manifest).toMatchObject({ name: 'Hearth', start_url: '/', display: 'standalone' });
  const purposes = manifest.icons.map((i: { purpose: string }) => i.purpose);
  expect(purposes).toContain('maskable');
  for (const icon of manifest.icons.filter((i: { type: string }) => i.type === 'image/png')) {
    const png = await get(icon.src);
    expect(png.type).toBe('image/png');
    expect(png.text.slice(1, 4)).toBe('PNG');
  }
  problems.provoke(/^Failed to load resource: the server responded with a status of 404 .*\/icons\/nothing\.png\)$/);
  expect((await get('/icons/nothing.png')).status).toBe(404);

  // The WASM and the script travel gzipped (a third of their size).
  // (Still with its own type: the WASM compiles while it downloads only as application/wasm.)
  for (const [file, type] of [['/pkg/hearth_bg.wasm', 'application/wasm'], ['/pkg/hearth.js', 'text/javascript']]) {
    const headers = await page.evaluate(async (u) => {
      const r = await fetch(u, { cache: 'no-store' });
      return [r.headers.get('content-encoding'), r.headers.get('content-type')];
    }, file);
    expect(headers, file).toEqual(['gzip', type]);
  }

  // The worker takes over and keeps the shell; the next visit's WASM comes from it.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await expect.poll(() => page.evaluate(async () => !!(await caches.match('/pkg/hearth_bg.wasm'))),
    { timeout: 30_000 }).toBe(true);
  const wasm = page.waitForResponse((r) => r.url().endsWith('/pkg/hearth_bg.wasm'));
  await page.reload();
  expect((await wasm).fromServiceWorker()).toBe(true);
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();

  // Chromium's own verdict: nothing stands in the way of installing it. (Asked of a
  // profile on disk: Chromium never installs from an incognito one like the tests' own.)
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-profile-'));
  const launch = test.info().project.use.launchOptions ?? {};
  const persistent = await chromium.launchPersistentContext(profile, {
    ...launch, baseURL: test.info().project.use.baseURL,
  });
  problems.watch(persistent);
  const installable = persistent.pages()[0] ?? await persistent.newPage();
  await installable.goto('/login');
  await installable.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  const cdp = await persistent.newCDPSession(installable);
  await expect.poll(async () => (await cdp.send('Page.getInstallabilityErrors')).installabilityErrors,
    { timeout: 20_000 }).toEqual([]);
  await persistent.close();
  fs.rmSync(profile, { recursive: true, force: true });

  // The worker's cache is named after the build the server says it serves, so a cached
  // WASM never meets another build's page.
  const build = (await get('/login')).build;
  expect(build).toMatch(/^[0-9a-f]{16}$/);
  expect((await get('/sw.js')).text).toContain(`const BUILD = '${build}'`);
  await ctx.close();
});
