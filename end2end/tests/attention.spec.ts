import { expect, test } from './fixtures';
import { register, send } from './helpers';

// The unread count in the tab's title, sounds (and the mute switch), and a desktop
// notification while the tab is out of sight.

test('title count, sounds with a mute switch, and notifications when hidden', async ({ browser }) => {
  const evaCtx = await browser.newContext();
  const finnCtx = await browser.newContext();
  await evaCtx.grantPermissions(['notifications']);
  // Count the notes played and the notifications shown, as the browser would make them.
  await evaCtx.addInitScript(() => {
    const w = window as any;
    w.__notes = 0;
    w.__shown = [];
    const make = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function () { w.__notes++; return make.call(this); };
    const Real = w.Notification;
    w.Notification = class extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        w.__shown.push({ title, body: options?.body });
      }
    };
  });
  const eva = await evaCtx.newPage();
  const finn = await finnCtx.newPage();
  await register(eva, 'eva', 'Eva Green', 'lantern harbour pebble 6620');
  await register(finn, 'finn', 'Finn Wolf', 'meadow quartz violin 3381');
  const notes = () => eva.evaluate(() => (window as any).__notes as number);

  // Eva has the Everyone room open; Finn writes to her directly: a count, a sound.
  await eva.locator('li.conversation', { hasText: 'Everyone' }).locator('button').click();
  await expect(eva).toHaveTitle('Hearth');
  await finn.locator('li.person[data-username="eva"] button').click();
  await send(finn, 'Are you there?');
  await expect(eva).toHaveTitle('(1) Hearth');
  await expect.poll(notes).toBeGreaterThan(0);
  await eva.locator('li.conversation[data-peer="finn"] button').click();
  await expect(eva).toHaveTitle('Hearth');

  // Muted: nothing plays; the choice stays after a reload.
  await eva.getByRole('button', { name: 'Mute sounds' }).click();
  await expect(eva.getByRole('button', { name: 'Mute sounds' })).toHaveAttribute('aria-pressed', 'true');
  await eva.locator('li.conversation', { hasText: 'Everyone' }).locator('button').click();
  const before = await notes();
  await eva.waitForTimeout(1100);
  await send(finn, 'Hello?');
  await expect(eva).toHaveTitle('(1) Hearth');
  await eva.waitForTimeout(300);
  expect(await notes()).toBe(before);
  await eva.reload();
  await expect(eva.getByRole('button', { name: 'Mute sounds' })).toHaveAttribute('aria-pressed', 'true');
  // A message that lands before the socket is back comes with the history, which
  // (rightly) makes no notification: wait for the live connection.
  await expect(eva.locator('.me .status.online')).toHaveCount(1);

  // Out of sight: a notification names who wrote, not what.
  await eva.evaluate(() => {
    Object.defineProperty(document, 'hidden', { value: true, configurable: true });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  });
  await send(finn, 'secret words');
  await expect.poll(() => eva.evaluate(() => (window as any).__shown)).toEqual([{ title: 'Finn Wolf', body: 'New message' }]);

  await Promise.all([evaCtx.close(), finnCtx.close()]);
});
