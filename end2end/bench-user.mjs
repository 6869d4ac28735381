// For the benchmarks (not tests): a new account registered in a context of its own.
/** Registers `name` at `base` in a new context of `browser` (made with `options`, its
 * pages running `init` first) and returns its page, signed in and online. */
export async function benchUser(browser, base, name, { options = {}, init } = {}) {
  const ctx = await browser.newContext(options);
  if (init) await ctx.addInitScript(...init);
  const page = await ctx.newPage();
  await page.goto(base + '/register');
  await page.getByLabel('Username').fill(name);
  await page.getByLabel('Display name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill('benchmark kettle lantern 4471');
  await page.getByLabel('Repeat password').fill('benchmark kettle lantern 4471');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'I have saved it' }).click({ timeout: 60_000 });
  await page.waitForURL(base + '/');
  await page.locator('.me .status.online').waitFor();
  return page;
}
