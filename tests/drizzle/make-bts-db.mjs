#!/usr/bin/env node
// Creates a SQLite database exactly as a Better-T-Stack project does, for the adoption
// and end-to-end tests: `drizzle-kit push` (1.0.0-rc.4, dialect "turso", a `file:` URL,
// as the generator's `db:push`) of the template's auth schema (schema/auth.ts; with
// --todo also the todo example's table, schema/todo.ts), then one user signed up through better-auth
// 1.7.5 with the template's Drizzle adapter, so the user, its credential account (with
// better-auth's scrypt `salt:key` password hash) and a session are better-auth's own rows.
//
// usage: node make-bts-db.mjs <out.db> [--todo]
// <out.db> must not exist yet. Prints one JSON object on stdout:
//   { "database": <absolute path>, "user": { id, name, email, password, passwordHash },
//     "session": { id, token }, "todo": <bool>, "versions": { drizzleKit, betterAuth } }
// Everything else (drizzle-kit's progress output) goes to stderr.

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const withTodo = args.includes("--todo");
const positional = args.filter((a) => !a.startsWith("--"));
if (positional.length !== 1 || args.length - positional.length !== (withTodo ? 1 : 0)) {
  console.error("usage: node make-bts-db.mjs <out.db> [--todo]");
  process.exit(2);
}
const out = resolve(positional[0]);
if (existsSync(out)) {
  console.error(`make-bts-db: ${out} already exists; give a path for a new database`);
  process.exit(2);
}
if (!existsSync(join(here, "node_modules", "drizzle-kit"))) {
  console.error(
    "make-bts-db: npm packages missing; run: npm ci --prefix tests/drizzle --no-audit --no-fund",
  );
  process.exit(2);
}

const version = (name) =>
  JSON.parse(readFileSync(join(here, "node_modules", name, "package.json"), "utf8")).version;

// 1. The schema, as `bun run db:push` creates it (drizzle-kit takes one --schema: a
// file, or the folder with the todo table too).
const schemaPath = withTodo ? "./schema" : "./schema/auth.ts";
const drizzleKit = join(here, "node_modules", "drizzle-kit", "bin.cjs");
execFileSync(
  process.execPath,
  [
    drizzleKit,
    "push",
    "--dialect",
    "turso",
    "--schema",
    schemaPath,
    "--url",
    `file:${out}`,
  ],
  // drizzle-kit's progress goes to stderr so that stdout stays one JSON document.
  { cwd: here, stdio: ["ignore", process.stderr, process.stderr] },
);

// 2. One user, signed up through better-auth over the template's adapter and driver.
const { createJiti } = await import("jiti");
const jiti = createJiti(import.meta.url);
const schema = await jiti.import(join(here, "schema", "auth.ts"));
const { createClient } = await import("@libsql/client");
const { drizzle } = await import("drizzle-orm/libsql");
const { drizzleAdapter } = await import("@better-auth/drizzle-adapter/relations-v2");
const { betterAuth } = await import("better-auth");

const client = createClient({ url: `file:${out}` });
const db = drizzle({ client, schema });
const auth = betterAuth({
  database: drizzleAdapter(db, { provider: "sqlite", schema }),
  emailAndPassword: { enabled: true },
  // A fixed test secret: nothing signed with it is kept.
  secret: "make-bts-db-test-secret-0123456789abcdef",
  baseURL: "http://localhost:3000",
  telemetry: { enabled: false },
  logger: { disabled: true },
});

const user = { name: "BTS User", email: "bts-user@example.com", password: "bts-password-123" };
const signedUp = await auth.api.signUpEmail({ body: user });
const [row] = (
  await client.execute({
    sql: "SELECT a.password FROM account a WHERE a.user_id = ? AND a.provider_id = 'credential'",
    args: [signedUp.user.id],
  })
).rows;
const [session] = (
  await client.execute({
    sql: "SELECT id, token FROM session WHERE user_id = ?",
    args: [signedUp.user.id],
  })
).rows;
client.close();
if (!row || typeof row.password !== "string") {
  throw new Error("better-auth wrote no credential account");
}

console.log(
  JSON.stringify({
    database: out,
    user: { id: signedUp.user.id, ...user, passwordHash: row.password },
    session: session ? { id: session.id, token: session.token } : null,
    todo: withTodo,
    versions: { drizzleKit: version("drizzle-kit"), betterAuth: version("better-auth") },
  }),
);
