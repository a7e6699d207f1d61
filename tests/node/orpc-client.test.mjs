// The unchanged `@orpc/client` RPCLink (the version the reference transcripts used)
// against the running app, as the template's web app calls it: a fetch with
// `credentials: "include"` (here a cookie jar) and the web origin. The app is started by
// `tests/e2e/tests/clients.rs`, which passes SPINSTACK_URL and SPINSTACK_WEB_ORIGIN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createORPCClient, ORPCError } from '@orpc/client';
import { RPCLink } from '@orpc/client/fetch';
import { createAuthClient } from 'better-auth/client';
import { browserLikeFetch, CookieJar } from './lib/browser-like-fetch.mjs';

const baseURL = process.env.SPINSTACK_URL;
const origin = process.env.SPINSTACK_WEB_ORIGIN ?? 'http://localhost:3001';
assert.ok(baseURL, 'SPINSTACK_URL must name the running app');

/** One browser: an oRPC client and a better-auth client sharing a cookie jar. */
function browser() {
  const jar = new CookieJar();
  const { fetch } = browserLikeFetch({ jar, origin });
  const link = new RPCLink({
    url: `${baseURL}/rpc`,
    fetch: (request, init) => fetch(request, { ...init, credentials: 'include' }),
  });
  return {
    rpc: createORPCClient(link),
    auth: createAuthClient({ baseURL, fetchOptions: { customFetchImpl: fetch } }),
    jar,
  };
}

async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail');
}

test('healthCheck', async () => {
  assert.equal(await browser().rpc.healthCheck(), 'OK');
});

test('privateData: UNAUTHORIZED signed out, the user signed in', async () => {
  const { rpc, auth } = browser();
  const refused = await rejection(rpc.privateData());
  assert.ok(refused instanceof ORPCError, String(refused));
  assert.equal(refused.code, 'UNAUTHORIZED');
  assert.equal(refused.status, 401);

  const email = `orpc-${process.pid}-${Date.now()}@example.com`;
  const signedUp = await auth.signUp.email({ email, password: 'password1234', name: 'Orpc User' });
  assert.equal(signedUp.error, null, JSON.stringify(signedUp.error));
  const data = await rpc.privateData();
  assert.equal(data.message, 'This is private');
  assert.equal(data.user.email, email);
  assert.ok(data.user.createdAt instanceof Date, 'meta turns dates back into Dates');
});

test('todo procedures, including a validation failure', async () => {
  const { rpc } = browser();
  const text = `write tests ${Date.now()}`;
  await rpc.todo.create({ text });
  const created = (await rpc.todo.getAll()).find((todo) => todo.text === text);
  assert.ok(created, 'the new todo is listed');
  assert.equal(created.completed, false);
  assert.equal(typeof created.id, 'number');

  await rpc.todo.toggle({ id: created.id, completed: true });
  const toggled = (await rpc.todo.getAll()).find((todo) => todo.id === created.id);
  assert.equal(toggled.completed, true);

  const invalid = await rejection(rpc.todo.create({ text: '' }));
  assert.ok(invalid instanceof ORPCError);
  assert.equal(invalid.code, 'BAD_REQUEST');
  assert.equal(invalid.message, 'Input validation failed');
  assert.equal(invalid.data.issues[0].code, 'too_small');
  assert.deepEqual(invalid.data.issues[0].path, ['text']);

  const wrongType = await rejection(rpc.todo.toggle({ id: String(created.id), completed: true }));
  assert.equal(wrongType.code, 'BAD_REQUEST');
  assert.equal(wrongType.data.issues[0].expected, 'number');

  await rpc.todo.delete({ id: created.id });
  assert.equal((await rpc.todo.getAll()).some((todo) => todo.id === created.id), false);
});

test('an unknown procedure surfaces as NOT_FOUND', async () => {
  const { rpc } = browser();
  const missing = await rejection(rpc.nope());
  assert.ok(missing instanceof ORPCError);
  assert.equal(missing.code, 'NOT_FOUND');
  assert.equal(missing.status, 404);
});
