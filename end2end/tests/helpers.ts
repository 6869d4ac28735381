import { expect, Page } from '@playwright/test';

/** Registers, saves the recovery key shown once, and returns it. */
export async function register(page: Page, username: string, displayName: string, password: string): Promise<string> {
  await page.goto('/register');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Display name').fill(displayName);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Repeat password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  const saved = page.getByRole('button', { name: 'I have saved it' });
  await expect(saved).toBeVisible({ timeout: 60_000 });
  const key = (await page.locator('.recovery-key').textContent()) ?? '';
  expect(key).toMatch(/^([0-9A-Z]{4}-){7}[0-9A-Z]{4}$/);
  await saved.click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('.me .name')).toHaveText(displayName);
  return key;
}

export async function login(page: Page, username: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  const started = Date.now();
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/$/, { timeout: 60_000 });
  // Argon2id (64 MiB, 3 passes) in WASM dominates; printed for docs/PERFORMANCE.md.
  console.log(`login of ${username} took ${Date.now() - started} ms`);
}

export async function send(page: Page, text: string) {
  await page.getByRole('textbox', { name: 'Message', exact: true }).fill(text);
  await page.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
  // Acknowledged = committed on the server.
  await expect(page.locator('.message.mine:not(.pending)', { hasText: text })).toHaveCount(1);
}

/** Calls a server function from the page (its session cookie): the status and the JSON. */
export async function api(page: Page, name: string, body: object = {}): Promise<any> {
  return page.evaluate(async ([name, body]) => {
    const res = await fetch(`/api/${name}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  }, [name, body] as const);
}
