import { expect, test } from './fixtures';
import { register, send } from './helpers';
import { OwnServer } from './own-server';

// A server of its own, which this spec stops and starts again.
const server = new OwnServer('127.0.0.1', Number(process.env.HEARTH_TEST_PORT ?? 3917) + 40, 'outage');
test.use({ baseURL: server.url });
test.beforeAll(() => server.start());
test.afterAll(() => server.stop());

test('an outage is said in words, with the next try and a way to try now, and so is its end', async ({ browser, problems }) => {
  const [ada, bo] = await Promise.all([0, 1].map(async () => (await browser.newContext()).newPage()));
  await register(ada, 'ada', 'Ada Quill', 'harbour lantern copper 5150');
  await register(bo, 'boris', 'Bo Marsh', 'meadow pebble violin 6261');
  await ada.locator('li.person[data-username="boris"] button').click();
  await send(ada, 'before the outage');
  await bo.locator('li.conversation[data-peer="ada"] button').click();
  await expect(bo.locator('.message', { hasText: 'before the outage' })).toBeVisible();
  const banner = ada.locator('.outage');
  await expect(banner).toHaveCount(0);

  problems.serverDown();
  await server.halt();
  await expect(banner.getByRole('alert')).toHaveText(/Hearth can't be reached/);
  // What Ada writes meanwhile waits in her browser.
  const box = ada.getByRole('textbox', { name: 'Message', exact: true });
  await box.fill('written during the outage');
  await box.press('Enter');
  await expect(ada.locator('.message.pending', { hasText: 'written during the outage' })).toBeVisible();
  // The retries space out; the banner counts down to the next one.
  await expect(banner.locator('.retry')).toHaveText(/^Trying again in (1\d|[2-9]\d) s\.$/, { timeout: 40_000 });

  // Hearth is back: "Try now" connects at once, well before the countdown ends.
  await server.start();
  await banner.getByRole('button', { name: 'Try now' }).click();
  await expect(ada.locator('.outage [role=status]')).toHaveText('Connected again.', { timeout: 5_000 });
  await expect(ada.locator('.message.mine:not(.pending)', { hasText: 'written during the outage' })).toHaveCount(1);
  await expect(bo.locator('.message', { hasText: 'written during the outage' })).toBeVisible({ timeout: 40_000 });
  problems.serverBack();
  // The word that it is back goes away by itself.
  await expect(banner).toHaveCount(0);
  await Promise.all([ada.context().close(), bo.context().close()]);
});
