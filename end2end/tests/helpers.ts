import AxeBuilder from '@axe-core/playwright';
import { expect, Page } from '@playwright/test';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** Fails if any of `secrets` is in the shared test server's database files (its WAL
 * included) or its log. */
export function expectNotOnDisk(secrets: string[]) {
  const dir = process.env.HEARTH_TEST_DATA!;
  const files = fs.readdirSync(dir).filter(f => f.startsWith('hearth.db') || f === 'server.log');
  expect(files).toContain('hearth.db');
  expect(files).toContain('server.log');
  for (const f of files) {
    const bytes = fs.readFileSync(path.join(dir, f));
    for (const s of secrets) expect(bytes.includes(Buffer.from(s)), `${s} found in ${f}`).toBe(false);
  }
}

/** The bytes of an authenticator secret written in base32. */
export function base32(s: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of s.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** What an authenticator app shows at `unix` seconds (RFC 6238, SHA-1, six digits). */
export function totp(secret: Buffer, unix: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unix / 30)));
  const mac = crypto.createHmac('sha1', secret).update(counter).digest();
  const o = mac[mac.length - 1] & 15;
  const n = (mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000;
  return n.toString().padStart(6, '0');
}

/**
 * Registers, saves the recovery key shown once, and returns it. With `setupCode` (what a
 * server with no admin printed in its terminal) the account is the server's admin.
 */
export async function register(page: Page, username: string, displayName: string, password: string,
  setupCode?: string): Promise<string> {
  await page.goto('/register');
  if (setupCode !== undefined) await page.getByLabel('Setup code').fill(setupCode);
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

// The HTTP status each refusal has where it is not answered as data (app::ApiError).
const REFUSAL_STATUS: Record<string, number> = {
  BadRequest: 400, Unauthorized: 401, Forbidden: 403, SecondFactor: 403, PasswordChangeNeeded: 403,
  NotFound: 404, Conflict: 409, TooLarge: 413, Busy: 429,
};

/**
 * Calls a server function from the page (its session cookie): the status and the JSON.
 * A function that answers a refusal as data (`{"Ok": …}` or `{"Err": …}`, app::Answer)
 * is read like the others: the value, or the refusal with its status.
 */
export async function api(page: Page, name: string, body: object = {}): Promise<any> {
  const res = await page.evaluate(async ([name, body]) => {
    const res = await fetch(`/api/${name}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  }, [name, body] as const);
  const keys = res.status === 200 && res.body && typeof res.body === 'object' ? Object.keys(res.body) : [];
  if (keys.length === 1 && keys[0] === 'Ok') return { status: 200, body: res.body.Ok };
  if (keys.length === 1 && keys[0] === 'Err') {
    const kind = Object.keys(res.body.Err)[0];
    return { status: REFUSAL_STATUS[kind] ?? 500, body: res.body.Err };
  }
  return res;
}

/** axe's WCAG 2.1 A and AA rules on the page as it is, in the light and the dark theme. */
export async function axeScan(page: Page, screen: string) {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const found = violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`);
    expect(found, `${screen}, ${colorScheme} theme`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: null });
}
