import { expect, test } from './fixtures';
import { register, send } from './helpers';

// Issue 18, item 17: the identity keys are not in sessionStorage in clear (browsers
// write it to disk for session restore). The tab keeps them sealed under a
// non-extractable WebCrypto key in IndexedDB, which alone can open them.
test('a reload opens the sealed keys; without the browser\'s key they open nothing', async ({ browser }) => {
  const olive = await (await browser.newContext()).newPage();
  const pat = await (await browser.newContext()).newPage();
  await register(olive, 'olive', 'Olive Kite', 'quarry lantern pepper 4545');
  await register(pat, 'pat', 'Pat Lowe', 'violet harbor tundra 5656');
  await olive.locator('li.person[data-username="pat"] button').click();
  await send(olive, 'sealed and kept');

  // What the tab keeps: the keys sealed, nothing of them in clear.
  await expect.poll(() => olive.evaluate(() => sessionStorage.getItem('hearth.keyring'))).not.toBeNull();
  const kept = JSON.parse((await olive.evaluate(() => sessionStorage.getItem('hearth.keyring')))!);
  expect(kept.secret).toBeUndefined();
  expect(kept.sealed).toMatch(/^[A-Za-z0-9+/]+=*$/);
  expect(Buffer.from(kept.sealed, 'base64').length).toBe(12 + 64 + 16);

  // A reload opens them: the history still decrypts.
  await olive.reload();
  await olive.locator('li.conversation[data-peer="pat"] button').click();
  await expect(olive.locator('.message', { hasText: 'sealed and kept' })).toBeVisible();

  // The sealed copy without the browser's key opens nothing: the password is asked for.
  await olive.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('hearth', 1);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction('vault', 'readwrite');
      tx.objectStore('vault').delete('device');
      tx.oncomplete = () => { open.result.close(); resolve(null); };
      tx.onerror = () => reject(tx.error);
    };
  }));
  await olive.reload();
  await expect(olive).toHaveURL(/\/login$/);
});
