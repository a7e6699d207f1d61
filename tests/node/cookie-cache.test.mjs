// Issue #14 item 4: the session cookie cache is interchangeable with Better Auth's own.
// For the pinned better-auth (1.7.5) and the newest 1.7.x (1.7.29), a real `betterAuth`
// server in this process — the same secret, the cache on in the strategy the app runs
// (SPINSTACK_CACHE_STRATEGY) — and the running app (SPINSTACK_URL, started by
// tests/e2e/tests/clients.rs) accept each other's `session_data` cookies. Each side keeps
// its own database (better-auth's memory adapter here), so a session the other side
// created can only be answered from its cache cookie: that is what is proved. Then the
// unchanged better-auth client (both versions) signs in, reads its session through
// `getSession`, renames its user and signs out against the app with the cache on.
// (`useSession` fetches only in a browser: the web example's browser test covers it
// with the cache on.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { browserLikeFetch, CookieJar } from './lib/browser-like-fetch.mjs';

const baseURL = process.env.SPINSTACK_URL;
const origin = process.env.SPINSTACK_WEB_ORIGIN ?? 'http://localhost:3001';
const secret = process.env.SPINSTACK_SECRET;
const strategy = process.env.SPINSTACK_CACHE_STRATEGY;
assert.ok(baseURL && secret && strategy, 'SPINSTACK_URL, SPINSTACK_SECRET and SPINSTACK_CACHE_STRATEGY must be set');

const TOKEN = 'better-auth.session_token';
const DATA = 'better-auth.session_data';
const password = 'correct horse battery';
let counter = 0;
const freshEmail = (who) => `${who}-${strategy}-${process.pid}-${Date.now()}-${counter++}@example.com`;

/** The `Cookie` header a browser would send after these responses. */
function cookiesOf(...responses) {
  const jar = new CookieJar();
  for (const response of responses) jar.store(response);
  return jar;
}

const dots = { compact: 0, jwt: 2, jwe: 4 }[strategy];

for (const pkg of ['better-auth', 'better-auth-pinned']) {
  const { version } = JSON.parse(readFileSync(new URL(`./node_modules/${pkg}/package.json`, import.meta.url)));
  const { betterAuth } = await import(pkg);
  const { memoryAdapter } = await import(`${pkg}/adapters/memory`);
  const { createAuthClient } = await import(`${pkg}/client`);

  /** The original server as the template configures it, with the cache on. */
  function original() {
    const db = { user: [], session: [], account: [], verification: [] };
    const auth = betterAuth({
      secret,
      baseURL: 'http://localhost:3000',
      trustedOrigins: [origin],
      database: memoryAdapter(db),
      emailAndPassword: { enabled: true },
      session: { cookieCache: { enabled: true, maxAge: 300, strategy } },
      advanced: { defaultCookieAttributes: { sameSite: 'none', secure: true, httpOnly: true } },
      logger: { disabled: true },
    });
    return { auth, db };
  }

  test(`better-auth ${version} (${strategy}): its session_data is accepted by the app`, async () => {
    const { auth, db } = original();
    const email = freshEmail('theirs');
    const signedUp = await auth.handler(
      new Request('http://localhost:3000/api/auth/sign-up/email', {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify({ email, password, name: 'Original User' }),
      }),
    );
    assert.equal(signedUp.status, 200, await signedUp.clone().text());
    const jar = cookiesOf(signedUp);
    assert.equal(jar.get(DATA).split('.').length - 1, dots, 'their cache is of the strategy');
    const theirs = db.session[0];

    // The app never saw this session: only the cache cookie can answer for it.
    const session = await fetch(`${baseURL}/api/auth/get-session`, { headers: { cookie: jar.header() } });
    assert.equal(session.status, 200);
    const body = await session.json();
    assert.ok(body, 'the app accepts the cache better-auth wrote');
    assert.equal(body.user.email, email);
    assert.equal(body.session.token, theirs.token);
    assert.equal(body.session.id, theirs.id);
    assert.deepEqual(session.headers.getSetCookie(), [], 'a cache hit sets nothing');

    const privateData = await fetch(`${baseURL}/rpc/privateData`, {
      method: 'POST',
      headers: { cookie: jar.header(), 'content-type': 'application/json', origin },
      body: '{}',
    });
    assert.equal(privateData.status, 200);
    assert.equal((await privateData.json()).json.user.email, email);

    // Control: without the cache cookie the app has no such session.
    const tokenOnly = `${TOKEN}=${jar.get(TOKEN)}`;
    const uncached = await fetch(`${baseURL}/api/auth/get-session`, { headers: { cookie: tokenOnly } });
    assert.equal(await uncached.text(), 'null');
  });

  test(`better-auth ${version} (${strategy}): the app's session_data is accepted by getSession`, async () => {
    const { auth, db } = original();
    const email = freshEmail('ours');
    const signedUp = await fetch(`${baseURL}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: JSON.stringify({ email, password, name: 'App User' }),
    });
    assert.equal(signedUp.status, 200, await signedUp.clone().text());
    const ours = await signedUp.json();
    const jar = cookiesOf(signedUp);
    assert.equal(jar.get(DATA).split('.').length - 1, dots, 'our cache is of the strategy');

    // better-auth's database is empty: only the cache can answer.
    const session = await auth.api.getSession({ headers: new Headers({ cookie: jar.header() }) });
    assert.ok(session, 'better-auth accepts the cache the app wrote');
    assert.equal(session.user.email, email);
    assert.equal(session.user.id, ours.user.id);
    assert.equal(session.session.token, ours.token);
    assert.ok(session.session.expiresAt instanceof Date);
    assert.equal(db.session.length, 0);

    // Control: a cache cookie altered by one character is refused.
    const value = jar.get(DATA);
    const at = Math.floor(value.length / 2);
    const altered = value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1);
    const tampered = `${TOKEN}=${jar.get(TOKEN)}; ${DATA}=${altered}`;
    assert.equal(await auth.api.getSession({ headers: new Headers({ cookie: tampered }) }), null);
  });

  test(`better-auth ${version} client (${strategy}): getSession with the cache on`, async () => {
    const jar = new CookieJar();
    const { fetch: browserFetch } = browserLikeFetch({ jar, origin });
    const client = createAuthClient({ baseURL, fetchOptions: { customFetchImpl: browserFetch } });
    const email = freshEmail('client');

    const signedUp = await client.signUp.email({ email, password, name: 'Cached User' });
    assert.equal(signedUp.error, null, JSON.stringify(signedUp.error));
    assert.ok(jar.get(DATA), 'the cache cookie is stored');

    const session = await client.getSession();
    assert.equal(session.error, null);
    assert.equal(session.data.user.email, email);
    assert.ok(session.data.session.expiresAt instanceof Date);
    const fromDatabase = await client.getSession({ query: { disableCookieCache: true } });
    assert.equal(fromDatabase.data.user.email, email);

    const updated = await client.updateUser({ name: 'Renamed User' });
    assert.equal(updated.error, null);
    assert.equal((await client.getSession()).data.user.name, 'Renamed User', 'the rewritten cache');

    const out = await client.signOut();
    assert.equal(out.error, null);
    assert.equal(jar.get(DATA), undefined, 'sign-out clears the cache');
    assert.equal((await client.getSession()).data, null);
  });
}
