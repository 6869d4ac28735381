import { expect, test, WebSocketRoute } from './fixtures';
import { register, send } from './helpers';

test('a network blip loses nothing: the socket reconnects and resumes', async ({ browser }) => {
  const carolCtx = await browser.newContext();
  const daveCtx = await browser.newContext();
  const carol = await carolCtx.newPage();
  const dave = await daveCtx.newPage();
  // Dave's socket goes through a switch the test controls: while it is off, open sockets
  // are dropped and new ones fail at once, as on a flaky Wi-Fi.
  let cut = false;
  const open: WebSocketRoute[] = [];
  await dave.routeWebSocket(/\/ws$/, ws => {
    if (cut) {
      ws.close({ code: 1006 });
      return;
    }
    ws.connectToServer();
    open.push(ws);
  });
  await register(carol, 'carol', 'Carol Danvers', 'velvet harbour compass 4410');
  await register(dave, 'dave', 'Dave Lister', 'copper meadow whistle 5521');

  await carol.locator('li.person[data-username="dave"] button').click();
  await send(carol, 'before the blip');
  await dave.locator('li.conversation[data-peer="carol"] button').click();
  await expect(dave.locator('.message', { hasText: 'before the blip' })).toBeVisible();
  await expect(dave.locator('.me .status.online')).toHaveCount(1);

  // Dave's network goes away: his page notices and says it is reconnecting.
  cut = true;
  await Promise.all(open.splice(0).map(ws => ws.close({ code: 1001 })));
  await expect(dave.locator('.me .status.online')).toHaveCount(0);
  await send(carol, 'during the blip 1');
  await send(carol, 'during the blip 2');
  await expect(dave.locator('.message', { hasText: 'during the blip' })).toHaveCount(0);

  // Back online: the socket reconnects by itself and resumes after the last message seen.
  cut = false;
  await expect(dave.locator('.me .status.online')).toHaveCount(1, { timeout: 40_000 });
  await expect(dave.locator('.message', { hasText: 'during the blip 1' })).toBeVisible();
  await expect(dave.locator('.message', { hasText: 'during the blip 2' })).toBeVisible();
  await expect(dave.locator('.message')).toHaveCount(3);

  // And live delivery continues both ways.
  await send(dave, 'all good here');
  await expect(carol.locator('.message', { hasText: 'all good here' })).toBeVisible();
  await Promise.all([carolCtx.close(), daveCtx.close()]);
});
