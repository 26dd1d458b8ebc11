// What the auction page's drivers share (auction.mjs, dutch.mjs): reading
// the config, a watchdog, Debian's Chromium, pages opened as a person
// would open them, screenshots, waiting on what a page shows, and one
// clear line on failure.

import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { chromium } from "playwright-core";

// The machine has no network but the loopback: these keep Chromium from
// trying its own background connections (updates, sync, QUIC probes).
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
export const DESKTOP = { viewport: { width: 1280, height: 900 } };
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

const started = Date.now();
export function log(message) {
  console.log(`[browser ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
}
class Failure extends Error {}
export function fail(message) {
  throw new Failure(message);
}

// Waits for `predicate(arg)` to hold on `page`, or fails saying `what`.
export async function until(page, what, predicate, arg, timeout) {
  try {
    await page.waitForFunction(predicate, arg, { timeout, polling: 100 });
  } catch (error) {
    fail(`timed out waiting for ${what} (${error.message.split("\n")[0]})`);
  }
}

export async function text(page, selector) {
  return (await page.locator(selector).textContent())?.trim() ?? "";
}

export function deferred() {
  let resolve;
  const promise = new Promise(r => { resolve = r; });
  return { promise, resolve };
}

// In the page: the auction's status says it has ended with a result.
export function finished() {
  return /завершено|has finished/.test(document.querySelector("#status").textContent);
}

// Runs `drive(session)` for the driver `script` with the config named on
// the command line, under a watchdog of the config's `timeoutSeconds`;
// exits 1 with the reason if anything fails, including a script error on
// any page.
export function run(script, drive) {
  main(script, drive).catch(error => {
    console.error(`${script}: FAILED: ${error instanceof Failure ? error.message : error.stack}`);
    process.exit(1);
  });
}

async function main(script, drive) {
  const configPath = process.argv[2] ?? fail(`usage: node ${script} CONFIG.json`);
  const config = JSON.parse(await readFile(configPath, "utf8"));
  const shots = config.screenshots;
  await mkdir(shots, { recursive: true });
  const timeout = (config.timeoutSeconds ?? 120) * 1000;
  const watchdog = setTimeout(() => {
    console.error(`${script}: FAILED: not done after ${timeout / 1000}s`);
    process.exit(1);
  }, timeout);

  // launch() gives the browser a fresh temporary profile of its own.
  const browser = await chromium.launch({
    executablePath: config.chromium,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const pageErrors = [];
  async function open(name, url, device = DESKTOP) {
    const context = await browser.newContext({ ...device, locale: "uk-UA", timezoneId: "Europe/Kyiv" });
    const page = await context.newPage();
    page.on("pageerror", error => pageErrors.push(`${name}: ${error.message}`));
    await page.goto(url);
    // The first view has arrived once the stages are listed.
    await until(page, `${name}'s first view`, () => !!document.querySelector("#stages tbody tr"), null, 15000);
    return page;
  }
  async function shoot(page, name) {
    const file = path.join(shots, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    log(`screenshot ${path.basename(file)}`);
  }
  try {
    await drive({ config, timeout, open, shoot });
    if (pageErrors.length) fail(`the page's script failed: ${pageErrors.join("; ")}`);
    log("all checks passed");
  } finally {
    clearTimeout(watchdog);
    await browser.close();
  }
}
