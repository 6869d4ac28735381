import { expect, test } from './fixtures';

// The password strength estimate (zxcvbn) is a WASM module of its own: the register page
// fetches it, the login page does not; a guessable password is refused in the browser.

test('the strength module loads only where a new password is chosen, and weak passwords are refused', async ({ page }) => {
  const fetched: string[] = [];
  page.on('request', r => { if (r.url().includes('/pkg/strength')) fetched.push(r.url()); });

  await page.goto('/login');
  await expect(page.getByLabel('Username')).toBeEnabled();
  await page.waitForTimeout(500);
  expect(fetched, 'the login page does without it').toEqual([]);

  await page.goto('/register');
  await page.getByLabel('Username').fill('quentin');
  await page.getByLabel('Display name').fill('Quentin Blake');
  const meter = page.locator('.strength');
  await page.getByLabel('Password', { exact: true }).fill('quentin1');
  await expect(meter).toHaveAttribute('data-score', /^[0-2]$/);
  await expect(meter.locator('.label')).toHaveText(/Very weak|Weak|Fair/);
  expect(fetched.some(u => u.endsWith('/pkg/strength_bg.wasm'))).toBe(true);

  await page.getByLabel('Repeat password').fill('quentin1');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('alert')).toHaveText('That password is too easy to guess; try a longer phrase.');

  const strong = 'copper whistle meadow 4471';
  await page.getByLabel('Password', { exact: true }).fill(strong);
  await expect(meter).toHaveAttribute('data-score', /^[34]$/);
  await expect(meter.locator('.label')).toHaveText(/Strong|Very strong/);
  await page.getByLabel('Repeat password').fill(strong);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('button', { name: 'I have saved it' })).toBeVisible({ timeout: 60_000 });
});
