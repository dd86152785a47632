import { execFileSync } from 'node:child_process';
import path from 'node:path';
import puppeteer, { type Browser, type Frame, type HTTPRequest, type HTTPResponse, type Page } from 'puppeteer-core';

/**
 * A headless browser for the Temporal UI test: Debian's chromium driven by puppeteer-core (nothing is
 * downloaded). `scripts/stack.sh chromium` prints its path and installs the package first when there
 * is none, so a fresh machine gets it the first time this test runs, and only then.
 */
function chromiumPath(): string {
  const script = path.join(__dirname, '..', '..', 'scripts', 'stack.sh');
  try {
    return execFileSync('bash', [script, 'chromium'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
  } catch (e) {
    throw new Error(`no browser for the Temporal UI test: \`bash scripts/stack.sh chromium\` failed (${String(e)})`, {
      cause: e,
    });
  }
}

export async function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    // --no-sandbox: the tests run as root in a container; /dev/shm there is small.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

// Page-side code as expressions: the project compiles without the DOM library.
const BODY_TEXT = "(document.body ? document.body.innerText : '')";

/** Waits until the page or frame shows `text` (the UI renders late on a loaded machine: generous). */
export async function waitForText(target: Page | Frame, text: string, timeoutMs = 60_000): Promise<void> {
  await target.waitForFunction(`${BODY_TEXT}.includes(${JSON.stringify(text)})`, { timeout: timeoutMs, polling: 250 });
}

/** What the Temporal UI shows when a request behind a page fails (its own advice: "Try a refresh"). */
const UI_ERROR_PAGE = "Uh oh. There's an error.";
/** How long one load may take to show the text before the page is loaded again. */
const PER_LOAD_MS = 30_000;

/** Records the page's failed requests and script errors (what lies behind the UI's error page). */
function recordTrouble(page: Page): { seen: string[]; stop: () => void } {
  const seen: string[] = [];
  const onResponse = (r: HTTPResponse) => {
    if (r.status() >= 400) seen.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  };
  const onFailed = (r: HTTPRequest) => seen.push(`${r.failure()?.errorText ?? 'failed'} ${r.method()} ${r.url()}`);
  const onError = (e: unknown) => seen.push(`page error: ${e instanceof Error ? e.message : String(e)}`);
  page.on('response', onResponse).on('requestfailed', onFailed).on('pageerror', onError);
  const stop = () => void page.off('response', onResponse).off('requestfailed', onFailed).off('pageerror', onError);
  return { seen, stop };
}

/**
 * Opens `url` and waits until it shows `text`, loading the page again — as a person would press refresh —
 * when it shows the UI's error page or has not shown `text` after 30 s. The UI fetches what a page shows
 * (the run, its pollers, the metadata query behind "Current Details") once per load and does not retry a
 * request that failed or timed out; CI saw both on a loaded machine. Fails after `timeoutMs` in all, with
 * what the page showed last.
 */
export async function openShowing(page: Page, url: string, text: string, timeoutMs = 60_000): Promise<void> {
  const has = (t: string) => `${BODY_TEXT}.includes(${JSON.stringify(t)})`;
  const deadline = Date.now() + timeoutMs;
  const trouble = recordTrouble(page);
  try {
    for (let load = 1; ; load++) {
      trouble.seen.length = 0;
      await page.goto(url, { waitUntil: 'domcontentloaded' });
      const wait = Math.max(1_000, Math.min(PER_LOAD_MS, deadline - Date.now()));
      await page
        .waitForFunction(`${has(text)} || ${has(UI_ERROR_PAGE)}`, { timeout: wait, polling: 250 })
        .catch(() => undefined); // not shown within this load: judged below
      if (await page.evaluate(has(text))) return;
      const shown = String(await page.evaluate(BODY_TEXT))
        .replace(/\s+/g, ' ')
        .slice(0, 600);
      const why = `it shows: ${shown}; failed requests and page errors: ${trouble.seen.join(', ') || 'none'}`;
      if (Date.now() >= deadline)
        throw new Error(`${url} did not show "${text}" in ${timeoutMs} ms (${load} loads); ${why}`);
      console.error(`${url} does not show "${text}" (load ${load}); loading it again; ${why}`);
      await new Promise((r) => setTimeout(r, 2_000));
    }
  } finally {
    trouble.stop();
  }
}

/** The first frame of the page (the UI renders Markdown in iframes) whose text has `text`. */
export async function frameWithText(page: Page, text: string, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const f of page.frames()) {
      const has = await f.evaluate(`${BODY_TEXT}.includes(${JSON.stringify(text)})`).catch(() => false);
      if (has) return f;
    }
    if (Date.now() > deadline) throw new Error(`no frame of ${page.url()} shows "${text}" after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The visible text of a frame or page. */
export async function textOf(target: Page | Frame): Promise<string> {
  return target.evaluate(BODY_TEXT) as Promise<string>;
}

/** Scrolls the first element holding `text` (a heading) to the top of the view. */
export async function scrollToText(page: Page, selector: string, text: string): Promise<void> {
  await page.evaluate(
    `[...document.querySelectorAll(${JSON.stringify(selector)})].find((e) => e.innerText.includes(${JSON.stringify(text)}))?.scrollIntoView()`,
  );
}

/**
 * Clicks the first visible element matching `selector` (and holding `text`, when given), waiting up to
 * `timeoutMs` for one: the UI renders some controls twice (a sticky header copy stays hidden).
 */
export async function clickVisible(page: Page, selector: string, text?: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const el of await page.$$(selector)) {
      if (!(await el.isVisible().catch(() => false))) continue;
      if (text !== undefined) {
        const t = await el.evaluate((e) => (e as { innerText?: string }).innerText ?? '').catch(() => '');
        if (!t.includes(text)) continue;
      }
      await el.click();
      return;
    }
    if (Date.now() > deadline)
      throw new Error(`no visible ${selector}${text ? ` with "${text}"` : ''} on ${page.url()} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
