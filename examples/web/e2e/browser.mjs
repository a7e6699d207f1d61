// The browser test of the web example: builds it with VITE_SERVER_URL pointing at the
// running app, serves the bundle on its own origin, and drives Debian's Chromium through
// playwright-core: sign up, dashboard, todos, reload, sign out, a wrong password, sign in,
// sign out. The app is started by `tests/e2e/tests/browser.rs`, which passes:
//
//   SPINSTACK_URL        the app as the browser reaches it, e.g. http://localhost:41234
//   SPINSTACK_WEB_ORIGIN the site's origin (the app's cors_origin), e.g. http://localhost:41235
//   SESSION_COOKIE       the session cookie's expected name (default better-auth.session_token)
//   CACHE_COOKIE         when the app runs with the session cookie cache on: the cache
//                        cookie's expected name (e.g. __Secure-better-auth.session_data)
//   ARTIFACTS_DIR        where a failure leaves a screenshot, the page text and the network log
//
// On failure it exits 1 after printing what failed and the artifact paths.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';
import { build } from 'vite';

const exampleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const apiUrl = required('SPINSTACK_URL').replace(/\/$/, '');
const webOrigin = required('SPINSTACK_WEB_ORIGIN').replace(/\/$/, '');
const sessionCookie = process.env.SESSION_COOKIE ?? 'better-auth.session_token';
const cacheCookie = process.env.CACHE_COOKIE;
const artifactsDir = resolve(process.env.ARTIFACTS_DIR ?? join(exampleDir, '../../artifacts/browser'));
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TIMEOUT = 20_000;

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} must be set (tests/e2e/tests/browser.rs sets it)`);
    process.exit(2);
  }
  return value;
}

function log(message) {
  console.log(`${new Date().toISOString().slice(11, 23)} ${message}`);
}

// ---------------------------------------------------------------- build and serve

/** `vite build` of the example with the app's URL baked in, as a user's build would. */
async function buildSite(outDir) {
  process.env.VITE_SERVER_URL = apiUrl;
  await build({ root: exampleDir, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
}

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** A static server for the bundle on the web origin's port (unknown paths get index.html). */
async function serveSite(root) {
  const { hostname, port } = new URL(webOrigin);
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, webOrigin).pathname));
    let file = join(root, path);
    if (!file.startsWith(root) || path === '/' || !extname(path)) file = join(root, 'index.html');
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  // `localhost` in the origin: listen where the app listens too (loopback IPv4).
  const host = hostname === 'localhost' ? '127.0.0.1' : hostname;
  await new Promise((ok, fail) => server.once('error', fail).listen(Number(port), host, ok));
  return server;
}

// ---------------------------------------------------------------- assertions

class Failure extends Error {}

function check(condition, message) {
  if (!condition) throw new Failure(message);
}

/** Waits until `locator` is visible and its text contains `expected`. */
async function see(locator, expected, what = expected) {
  const deadline = Date.now() + TIMEOUT;
  let actual = '';
  while (Date.now() < deadline) {
    actual = (await locator.first().isVisible()) ? await locator.first().innerText() : '';
    if (actual.includes(expected)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  const alerts = await locator.page().getByRole('alert').allInnerTexts();
  throw new Failure(
    `expected to see ${JSON.stringify(what)}; found ${JSON.stringify(actual)}` +
      (alerts.length ? `; the page shows ${JSON.stringify(alerts)}` : ''),
  );
}

/** Waits until `predicate()` resolves truthy. */
async function until(predicate, what) {
  const deadline = Date.now() + TIMEOUT;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Failure(`timed out waiting for ${what}`);
}

/** The session cookie as the browser stored it for the API's URL. */
async function storedSessionCookie(context) {
  const cookies = await context.cookies(apiUrl);
  return cookies.find((c) => c.name === sessionCookie);
}

// ---------------------------------------------------------------- the scenario

const email = `browser-${process.pid}-${Date.now()}@example.com`;
const password = 'browser-password-123';
const name = 'Browser User';
const todoText = 'Write the browser test';

/** Runs one step, logging it; a step's name is what a failure reports. */
async function step(state, name, body) {
  state.step = name;
  const started = Date.now();
  await body();
  log(`ok   ${name} (${Date.now() - started} ms)`);
}

async function scenario(page, context, state) {
  const signUpHeading = page.getByRole('heading', { name: 'Create Account' });
  const dashboard = page.getByRole('heading', { name: 'Dashboard' });
  const privateData = page.getByTestId('private-data');
  const authError = page.getByTestId('auth-error');
  const todo = page.getByTestId('todos').getByRole('listitem').filter({ hasText: todoText });

  await step(state, 'open the site: healthCheck over CORS says Connected, signed out', async () => {
    await page.goto(webOrigin);
    await see(page.getByTestId('api-status'), 'Connected');
    await see(signUpHeading, 'Create Account');
  });

  await step(state, 'sign up: the dashboard shows the name, the email and privateData', async () => {
    await page.locator('#name').fill(name);
    await page.locator('#email').fill(email);
    await page.locator('#password').fill(password);
    await page.getByRole('button', { name: 'Sign Up' }).click();
    await see(dashboard, 'Dashboard');
    await see(page.getByTestId('welcome'), `Welcome ${name}`);
    await see(page.getByTestId('email'), email);
    await see(page.getByTestId('user-menu'), email);
    await see(privateData, `API: This is private (for ${email})`);
  });

  await step(state, 'the session cookie is HttpOnly, Secure, SameSite=None', async () => {
    const cookie = await storedSessionCookie(context);
    check(cookie, `no ${sessionCookie} cookie stored for ${apiUrl}; cookies: ${JSON.stringify(await context.cookies())}`);
    check(cookie.httpOnly, `${sessionCookie} is not HttpOnly: ${JSON.stringify(cookie)}`);
    check(cookie.secure, `${sessionCookie} is not Secure: ${JSON.stringify(cookie)}`);
    check(cookie.sameSite === 'None', `${sessionCookie} is SameSite=${cookie.sameSite}, not None: ${JSON.stringify(cookie)}`);
    // Cookies are per host, not per port: the page would see a non-HttpOnly one.
    const visible = await page.evaluate(() => document.cookie);
    check(!visible.includes(sessionCookie), `the page's script can read the session cookie: ${visible}`);
    if (cacheCookie) {
      const cache = (await context.cookies(apiUrl)).find((c) => c.name === cacheCookie);
      check(cache, `no ${cacheCookie} cookie stored; cookies: ${JSON.stringify(await context.cookies())}`);
      check(cache.httpOnly && cache.secure, `${cacheCookie} is not HttpOnly and Secure: ${JSON.stringify(cache)}`);
    }
  });

  await step(state, 'add a todo', async () => {
    await page.getByLabel('New todo').fill(todoText);
    await page.getByRole('button', { name: 'Add' }).click();
    await see(todo, todoText);
    check(!(await todo.getByRole('checkbox').isChecked()), 'a new todo is already completed');
  });

  await step(state, 'toggle the todo', async () => {
    // The checkbox follows the list the app refetches after the call: checked means the
    // server stored it.
    await todo.getByRole('checkbox').click();
    await until(() => todo.getByRole('checkbox').isChecked(), 'the todo to be shown completed');
  });

  await step(state, 'reload: still signed in, privateData answers, the todo stays completed', async () => {
    await page.reload();
    await see(dashboard, 'Dashboard');
    await see(privateData, `API: This is private (for ${email})`);
    await see(todo, todoText);
    check(await todo.getByRole('checkbox').isChecked(), 'the completed todo is not completed after a reload');
  });

  await step(state, 'delete the todo', async () => {
    await todo.getByRole('button', { name: `Delete ${todoText}` }).click();
    await todo.waitFor({ state: 'detached', timeout: TIMEOUT });
  });

  await step(state, 'sign out: the forms come back and the cookie is gone', async () => {
    await page.getByRole('button', { name: 'Sign Out' }).click();
    await see(signUpHeading, 'Create Account');
    check(!(await storedSessionCookie(context)), 'the session cookie survived sign-out');
    if (cacheCookie) {
      const left = (await context.cookies(apiUrl)).filter((c) => c.name.startsWith(cacheCookie));
      check(left.length === 0, `the cache cookie survived sign-out: ${JSON.stringify(left)}`);
    }
  });

  await step(state, 'signed out, privateData refuses the browser with UNAUTHORIZED', async () => {
    // What the dashboard's RPCLink sends (credentials included), from the site's page.
    const reply = await page.evaluate(async (url) => {
      const response = await fetch(`${url}/rpc/privateData`, {
        method: 'POST',
        credentials: 'include',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      return { status: response.status, body: await response.text() };
    }, apiUrl);
    check(reply.status === 401 && reply.body.includes('"UNAUTHORIZED"'), `privateData answered ${reply.status} ${reply.body}`);
  });

  await step(state, 'sign in with a wrong password: the server\'s message is shown', async () => {
    await page.getByRole('button', { name: 'Already have an account? Sign In' }).click();
    await page.locator('#email').fill(email);
    await page.locator('#password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign In' }).click();
    await see(authError, 'Invalid email or password');
    check(!(await dashboard.isVisible()), 'the dashboard is shown after a wrong password');
  });

  await step(state, 'sign in: the dashboard and privateData are back', async () => {
    await page.locator('#password').fill(password);
    await page.getByRole('button', { name: 'Sign In' }).click();
    await see(dashboard, 'Dashboard');
    await see(page.getByTestId('welcome'), `Welcome ${name}`);
    await see(privateData, `API: This is private (for ${email})`);
    check(await storedSessionCookie(context), 'no session cookie after sign-in');
  });

  await step(state, 'sign out again, and a reload stays signed out', async () => {
    await page.getByRole('button', { name: 'Sign Out' }).click();
    await see(signUpHeading, 'Create Account');
    await page.reload();
    await see(signUpHeading, 'Create Account');
    check(!(await dashboard.isVisible()), 'the dashboard is shown after signing out');
  });
}

// ---------------------------------------------------------------- main

async function saveArtifacts(page, state) {
  await mkdir(artifactsDir, { recursive: true });
  const screenshot = join(artifactsDir, 'failure.png');
  const text = join(artifactsDir, 'page.txt');
  const network = join(artifactsDir, 'network.txt');
  try {
    await page.screenshot({ path: screenshot, fullPage: true });
  } catch (e) {
    log(`could not take a screenshot: ${e.message}`);
  }
  let body = '';
  try {
    body = await page.innerText('body');
  } catch (e) {
    body = `(could not read the page: ${e.message})`;
  }
  await writeFile(text, `step: ${state.step}\nurl: ${page.url()}\n\n${body}\n\n--- console\n${state.console.join('\n')}\n`);
  await writeFile(network, `${state.network.join('\n')}\n`);
  return { screenshot, text, network };
}

async function main() {
  const work = await mkdtemp(join(tmpdir(), 'spinstack-web-'));
  const outDir = join(work, 'dist');
  const userDataDir = join(work, 'chromium-profile');
  let server;
  let context;
  const state = { step: 'build the site', console: [], network: [] };
  await rm(artifactsDir, { recursive: true, force: true }); // a previous failure's
  try {
    log(`building the site with VITE_SERVER_URL=${apiUrl}`);
    await buildSite(outDir);
    state.step = 'serve the site';
    server = await serveSite(outDir);
    log(`serving the site on ${webOrigin}; API at ${apiUrl}; Chromium ${chromiumPath}`);

    state.step = 'start Chromium';
    // A persistent context on a fresh profile: a normal (not incognito) browser profile,
    // with the flags this machine needs (no sandbox as root, no background networking).
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(TIMEOUT);
    page.on('console', (m) => state.console.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => state.console.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => state.network.push(`FAILED ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
    page.on('response', async (r) => {
      if (!r.url().startsWith(apiUrl)) return;
      const headers = await r.allHeaders().catch(() => ({}));
      state.network.push(
        `${r.request().method()} ${r.url()} -> ${r.status()}` +
          ` acao=${headers['access-control-allow-origin'] ?? '-'} acac=${headers['access-control-allow-credentials'] ?? '-'}` +
          (headers['set-cookie'] ? ` set-cookie=${JSON.stringify(headers['set-cookie'])}` : ''),
      );
    });

    try {
      await scenario(page, context, state);
    } catch (error) {
      const paths = await saveArtifacts(page, state);
      console.error(`\nBROWSER TEST FAILED at step "${state.step}": ${error.message}`);
      console.error(`artifacts: screenshot ${paths.screenshot}\n           page text ${paths.text}\n           network ${paths.network}`);
      console.error(`--- network\n${state.network.join('\n')}\n--- console\n${state.console.join('\n')}`);
      process.exitCode = 1;
      return;
    }
    log('all steps passed');
  } catch (error) {
    console.error(`\nBROWSER TEST FAILED at step "${state.step}": ${error.stack ?? error}`);
    process.exitCode = 1;
  } finally {
    await context?.close().catch(() => {});
    await new Promise((r) => (server ? server.close(r) : r()));
    await rm(work, { recursive: true, force: true });
  }
}

await main();
