// The unchanged `better-auth` client driven against the running app, the way the
// template's frontend uses it: the newest 1.7.x (`better-auth`, 1.7.29) or, with
// SPINSTACK_BETTER_AUTH_PACKAGE=better-auth-pinned, the version the reference
// transcripts used (1.7.5). The app is started by the Rust end-to-end test
// `tests/e2e/tests/clients.rs`, which passes its address in SPINSTACK_URL and the web
// origin in SPINSTACK_WEB_ORIGIN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserLikeFetch, CookieJar } from './lib/browser-like-fetch.mjs';

const { createAuthClient } = await import(
  `${process.env.SPINSTACK_BETTER_AUTH_PACKAGE ?? 'better-auth'}/client`
);

const baseURL = process.env.SPINSTACK_URL;
const origin = process.env.SPINSTACK_WEB_ORIGIN ?? 'http://localhost:3001';
assert.ok(baseURL, 'SPINSTACK_URL must name the running app');

/** A client with its own cookie jar, like one browser. */
function browser() {
  const jar = new CookieJar();
  const { fetch } = browserLikeFetch({ jar, origin });
  const client = createAuthClient({ baseURL, fetchOptions: { customFetchImpl: fetch } });
  return { client, jar };
}

const email = `client-${process.pid}-${Date.now()}@example.com`;
const password = 'correct horse battery';

test('sign-up, get-session, sign-out, sign-in', async () => {
  const { client, jar } = browser();

  const signedUp = await client.signUp.email({ email, password, name: 'Client User' });
  assert.equal(signedUp.error, null, JSON.stringify(signedUp.error));
  assert.equal(signedUp.data.user.email, email);
  assert.equal(typeof signedUp.data.token, 'string');
  assert.ok(jar.get('better-auth.session_token'), 'session cookie stored');

  const session = await client.getSession();
  assert.equal(session.error, null);
  assert.equal(session.data.user.name, 'Client User');
  assert.ok(session.data.session.expiresAt instanceof Date, 'ISO dates become Dates');
  assert.equal(session.data.session.token, signedUp.data.token);

  const duplicate = await client.signUp.email({ email, password, name: 'Again' });
  assert.equal(duplicate.error.status, 422);
  assert.equal(duplicate.error.code, 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL');

  const out = await client.signOut();
  assert.equal(out.error, null);
  assert.deepEqual(out.data, { success: true });
  assert.equal(jar.get('better-auth.session_token'), undefined, 'cookie cleared');
  assert.equal((await client.getSession()).data, null);

  const wrong = await client.signIn.email({ email, password: 'not the password' });
  assert.equal(wrong.error.status, 401);
  assert.equal(wrong.error.message, 'Invalid email or password');

  const signedIn = await client.signIn.email({ email: email.toUpperCase(), password });
  assert.equal(signedIn.error, null, JSON.stringify(signedIn.error));
  assert.equal(signedIn.data.redirect, false);
  assert.equal((await client.getSession()).data.user.email, email);
});

test('rememberMe false gives a browser-session cookie and a one-day session', async () => {
  const { client, jar } = browser();
  const signedIn = await client.signIn.email({ email, password, rememberMe: false });
  assert.equal(signedIn.error, null, JSON.stringify(signedIn.error));
  assert.ok(jar.get('better-auth.dont_remember'), 'dont_remember cookie set');
  const { data } = await client.getSession();
  const lifetime = data.session.expiresAt.getTime() - data.session.createdAt.getTime();
  assert.equal(lifetime, 24 * 60 * 60 * 1000);
});

test('update-user, list-sessions, revoke-session, change-password with revokeOtherSessions', async () => {
  const first = browser();
  const second = browser();
  for (const { client } of [first, second]) {
    const r = await client.signIn.email({ email, password });
    assert.equal(r.error, null, JSON.stringify(r.error));
  }

  const updated = await first.client.updateUser({ name: 'Renamed User', image: 'https://example.com/a.png' });
  assert.equal(updated.error, null, JSON.stringify(updated.error));
  const after = await first.client.getSession();
  assert.equal(after.data.user.name, 'Renamed User');
  assert.equal(after.data.user.image, 'https://example.com/a.png');

  const listed = await first.client.listSessions();
  assert.equal(listed.error, null, JSON.stringify(listed.error));
  const secondToken = (await second.client.getSession()).data.session.token;
  assert.ok(listed.data.some((s) => s.token === secondToken), 'the other browser is listed');

  const revoked = await first.client.revokeSession({ token: secondToken });
  assert.equal(revoked.error, null);
  assert.equal((await second.client.getSession()).data, null, 'second browser signed out');

  const third = browser();
  assert.equal((await third.client.signIn.email({ email, password })).error, null);
  const changed = await first.client.changePassword({
    currentPassword: password,
    newPassword: 'an even better password',
    revokeOtherSessions: true,
  });
  assert.equal(changed.error, null, JSON.stringify(changed.error));
  assert.equal(typeof changed.data.token, 'string');
  assert.equal((await third.client.getSession()).data, null, 'other sessions revoked');
  assert.equal((await first.client.getSession()).data.user.email, email, 'this browser keeps a new session');

  const old = await browser().client.signIn.email({ email, password });
  assert.equal(old.error.status, 401, 'the old password no longer works');
  const renewed = await browser().client.signIn.email({ email, password: 'an even better password' });
  assert.equal(renewed.error, null);
});

test('delete-user is not enabled in the template', async () => {
  const { client } = browser();
  assert.equal((await client.signIn.email({ email, password: 'an even better password' })).error, null);
  const deleted = await client.deleteUser();
  assert.equal(deleted.error.status, 404);
});
