// Records how oRPC 1.16.1 (the reference system's version) with zod 4.6.7 answers the
// template's procedures, for tests/reference.rs. The router is the template's
// (packages/api/src/routers/{index,todo}.ts) over an in-memory stand-in for the
// database; the Elysia wrapper's answer for unmatched paths (404 `Not Found`) is added
// as apps/server/src/index.ts does.
//
//   npm install @orpc/server@1.16.1 @orpc/client@1.16.1 @orpc/openapi@1.16.1 \
//               @orpc/zod@1.16.1 zod@4.6.7        (in a scratch folder)
//   NODE_PATH=<scratch>/node_modules node generate.mjs > exchanges.json
//
// The todo mutations return what drizzle's node-postgres driver returns, pg's `Result`;
// the stand-in returns its public `QueryResult` fields only (command, rowCount, oid,
// rows, fields), which is what spinstack sends (see crates/api/src/procedures/todo.rs).
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(pathToFileURL(`${process.env.NODE_PATH}/`).href);
const load = async (name) => import(pathToFileURL(require.resolve(name)).href);
const { os, ORPCError } = await load("@orpc/server");
const { RPCHandler } = await load("@orpc/server/fetch");
const { OpenAPIHandler } = await load("@orpc/openapi/fetch");
const { z } = await load("zod");

// ---- the template's router -------------------------------------------------------
const o = os.$context();
const publicProcedure = o;
const requireAuth = o.middleware(async ({ context, next }) => {
  if (!context.session?.user) {
    throw new ORPCError("UNAUTHORIZED");
  }
  return next({ context: { session: context.session } });
});
const protectedProcedure = publicProcedure.use(requireAuth);

// The stand-in table: a serial id, rows returned in id order.
let rows = [];
let serial = 0;
const result = (command, rowCount) => ({
  command, rowCount, oid: command === "INSERT" ? 0 : null, rows: [], fields: [],
});
const db = {
  all: () => rows.map((r) => ({ ...r })),
  insert: (text) => { rows.push({ id: ++serial, text, completed: false }); return result("INSERT", 1); },
  update: (id, completed) => {
    const hit = rows.filter((r) => r.id === id);
    hit.forEach((r) => { r.completed = completed; });
    return result("UPDATE", hit.length);
  },
  delete: (id) => {
    const before = rows.length;
    rows = rows.filter((r) => r.id !== id);
    return result("DELETE", before - rows.length);
  },
};

const todoRouter = {
  getAll: publicProcedure.handler(async () => db.all()),
  create: publicProcedure
    .input(z.object({ text: z.string().min(1) }))
    .handler(async ({ input }) => db.insert(input.text)),
  toggle: publicProcedure
    .input(z.object({ id: z.number(), completed: z.boolean() }))
    .handler(async ({ input }) => db.update(input.id, input.completed)),
  delete: publicProcedure
    .input(z.object({ id: z.number() }))
    .handler(async ({ input }) => db.delete(input.id)),
};

const appRouter = {
  healthCheck: publicProcedure.handler(() => "OK"),
  privateData: protectedProcedure.handler(({ context }) => ({
    message: "This is private",
    user: context.session?.user,
  })),
  todo: todoRouter,
};

// better-auth's getSession, stood in: one valid cookie value.
const USER = {
  name: "Ref User",
  email: "ref-user@example.com",
  emailVerified: false,
  image: null,
  createdAt: new Date(1795975524006),
  updatedAt: new Date(1795975524123),
  id: "1RMSZCORK3hH13jEVteKMBllfAkMcfbC",
};
const createContext = (headers) => {
  const cookie = headers.get("cookie") ?? "";
  return { auth: null, session: cookie.includes("better-auth.session_token=valid") ? { user: USER } : null };
};

const rpcHandler = new RPCHandler(appRouter);
const apiHandler = new OpenAPIHandler(appRouter);

async function serve(request) {
  const path = new URL(request.url).pathname;
  const [handler, prefix] = path.startsWith("/api-reference") ? [apiHandler, "/api-reference"] : [rpcHandler, "/rpc"];
  const { matched, response } = await handler.handle(request, { prefix, context: createContext(request.headers) });
  return matched ? response : new Response("Not Found", { status: 404 });
}

// ---- cases -----------------------------------------------------------------------
const JSON_TYPE = { "content-type": "application/json" };
const COOKIE = { cookie: "better-auth.session_token=valid" };
const BOUNDARY = "----spinstackBoundary7MA4YWxkTrZu0gW";
const form = (...parts) => ({
  headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
  body: parts.map(([name, value, file]) =>
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"` +
    (file ? `; filename="${file.name}"\r\nContent-Type: ${file.type}` : "") +
    `\r\n\r\n${value}\r\n`).join("") + `--${BOUNDARY}--\r\n`,
});
const env = (json, meta) => JSON.stringify(meta ? { json, meta } : { json });

// [name, method, target, headers, body (string, or null for none)]
const cases = [
  // §3.11 and the transcripts
  ["healthCheck without body", "POST", "/rpc/healthCheck", {}, null],
  ["healthCheck {}", "POST", "/rpc/healthCheck", JSON_TYPE, "{}"],
  ["healthCheck trailing slash", "POST", "/rpc/healthCheck/", JSON_TYPE, "{}"],
  ["healthCheck GET", "GET", "/rpc/healthCheck", {}, null],
  ["healthCheck GET with data", "GET", "/rpc/healthCheck?data=%7B%22json%22%3A1%7D", {}, null],
  ["healthCheck GET with empty data", "GET", "/rpc/healthCheck?data=", {}, null],
  ["healthCheck GET with bad data", "GET", "/rpc/healthCheck?data=%7Bbad", {}, null],
  ["healthCheck GET with bad then good data", "GET", "/rpc/healthCheck?data=%7Bbad&data=%7B%7D", {}, null],
  ["healthCheck GET with good then bad data", "GET", "/rpc/healthCheck?data=%7B%7D&data=%7Bbad", {}, null],
  ["healthCheck GET ignores the body", "GET", "/rpc/healthCheck", JSON_TYPE, null],
  ["healthCheck PUT", "PUT", "/rpc/healthCheck", JSON_TYPE, "{}"],
  ["healthCheck DELETE", "DELETE", "/rpc/healthCheck", {}, null],
  ["healthCheck PATCH", "PATCH", "/rpc/healthCheck", JSON_TYPE, "{}"],
  ["healthCheck invalid JSON", "POST", "/rpc/healthCheck", JSON_TYPE, "{bad"],
  ["healthCheck JSON null", "POST", "/rpc/healthCheck", JSON_TYPE, "null"],
  ["healthCheck JSON array", "POST", "/rpc/healthCheck", JSON_TYPE, "[]"],
  ["healthCheck JSON number", "POST", "/rpc/healthCheck", JSON_TYPE, "5"],
  ["healthCheck JSON string", "POST", "/rpc/healthCheck", JSON_TYPE, "\"x\""],
  ["healthCheck JSON true", "POST", "/rpc/healthCheck", JSON_TYPE, "true"],
  ["healthCheck whitespace body", "POST", "/rpc/healthCheck", JSON_TYPE, "  "],
  ["healthCheck meta not an array", "POST", "/rpc/healthCheck", JSON_TYPE, '{"json":1,"meta":{}}'],
  ["healthCheck meta a number", "POST", "/rpc/healthCheck", JSON_TYPE, '{"json":1,"meta":5}'],
  ["healthCheck meta null", "POST", "/rpc/healthCheck", JSON_TYPE, '{"json":1,"meta":null}'],
  ["healthCheck meta a string", "POST", "/rpc/healthCheck", JSON_TYPE, '{"json":1,"meta":"ab"}'],
  ["healthCheck meta entry null", "POST", "/rpc/healthCheck", JSON_TYPE, '{"json":1,"meta":[null]}'],
  ["healthCheck meta entry a number", "POST", "/rpc/healthCheck", JSON_TYPE, '{"json":1,"meta":[5]}'],
  ["healthCheck meta path missing", "POST", "/rpc/healthCheck", JSON_TYPE, '{"json":{},"meta":[[1,"d"]]}'],
  ["healthCheck meta unknown type", "POST", "/rpc/healthCheck", JSON_TYPE, '{"json":{},"meta":[[99,"d"]]}'],
  ["healthCheck meta type as string", "POST", "/rpc/healthCheck", JSON_TYPE, '{"json":{"d":1},"meta":[["1","d"]]}'],
  ["healthCheck meta bigint bad", "POST", "/rpc/healthCheck", JSON_TYPE, '{"json":{"b":"01"},"meta":[[0,"b"]]}'],
  ["healthCheck meta bigint ok", "POST", "/rpc/healthCheck", JSON_TYPE, '{"json":{"b":"-10"},"meta":[[0,"b"]]}'],
  ["healthCheck meta date number", "POST", "/rpc/healthCheck", JSON_TYPE, '{"json":{"d":5},"meta":[[1,"d"]]}'],
  ["healthCheck meta date garbage", "POST", "/rpc/healthCheck", JSON_TYPE, '{"json":{"d":"garbage"},"meta":[[1,"d"]]}'],
  ["healthCheck meta nan not null", "POST", "/rpc/healthCheck", JSON_TYPE, '{"json":{"n":1},"meta":[[2,"n"]]}'],
  ["healthCheck meta url bad", "POST", "/rpc/healthCheck", JSON_TYPE, '{"json":{"u":"not a url"},"meta":[[4,"u"]]}'],
  ["healthCheck meta regexp bad flags", "POST", "/rpc/healthCheck", JSON_TYPE, '{"json":{"r":"/a/gg"},"meta":[[5,"r"]]}'],
  ["healthCheck meta regexp no slashes", "POST", "/rpc/healthCheck", JSON_TYPE, '{"json":{"r":"abc"},"meta":[[5,"r"]]}'],
  ["healthCheck meta set not array", "POST", "/rpc/healthCheck", JSON_TYPE, '{"json":{"s":1},"meta":[[6,"s"]]}'],
  ["healthCheck meta map of non-entries", "POST", "/rpc/healthCheck", JSON_TYPE, '{"json":{"m":[1]},"meta":[[7,"m"]]}'],
  ["healthCheck meta map short entries", "POST", "/rpc/healthCheck", JSON_TYPE, '{"json":{"m":[[1],[2,3,4]]},"meta":[[7,"m"]]}'],
  ["healthCheck meta into a set", "POST", "/rpc/healthCheck", JSON_TYPE, '{"json":{"s":[null]},"meta":[[6,"s"],[1,"s",0]]}'],
  ["healthCheck meta spec example", "POST", "/rpc/healthCheck", JSON_TYPE,
    '{"json":{"d":"1970-01-01T00:00:00.000Z","b":"10","s":[1],"m":[["k",1]],"arr":[null,null],"url":"https://x.y/z","re":"/ab+c/gi"},"meta":[[1,"d"],[0,"b"],[6,"s"],[7,"m"],[3,"arr",0],[2,"arr",1],[4,"url"],[5,"re"]]}'],
  ["healthCheck text/plain", "POST", "/rpc/healthCheck", { "content-type": "text/plain" }, "hi"],
  ["healthCheck form-urlencoded", "POST", "/rpc/healthCheck", { "content-type": "application/x-www-form-urlencoded" }, "a=1"],
  ["healthCheck octet-stream", "POST", "/rpc/healthCheck", { "content-type": "application/octet-stream" }, "raw"],
  ["healthCheck content-disposition", "POST", "/rpc/healthCheck", { "content-disposition": 'attachment; filename="a.txt"' }, "raw"],
  ["healthCheck upper-case JSON type", "POST", "/rpc/healthCheck", { "content-type": "Application/JSON" }, "{bad"],
  ["healthCheck JSON with charset", "POST", "/rpc/healthCheck", { "content-type": "application/json; charset=utf-8" }, "{bad"],
  ["healthCheck multipart", "POST", "/rpc/healthCheck", ...Object.values(form(["data", '{"json":"x"}']))],
  ["healthCheck multipart without data", "POST", "/rpc/healthCheck", ...Object.values(form(["other", "1"]))],
  ["healthCheck multipart bad data", "POST", "/rpc/healthCheck", ...Object.values(form(["data", "{bad"]))],
  ["healthCheck multipart data null", "POST", "/rpc/healthCheck", ...Object.values(form(["data", "null"]))],
  ["healthCheck multipart with file", "POST", "/rpc/healthCheck",
    ...Object.values(form(["data", '{"json":{"f":{}},"maps":[["f"]]}'], ["0", "hello", { name: "a.txt", type: "text/plain" }]))],
  ["healthCheck multipart map to a missing file", "POST", "/rpc/healthCheck",
    ...Object.values(form(["data", '{"json":{"f":{}},"maps":[["f"]]}']))],
  ["healthCheck multipart map to a text field", "POST", "/rpc/healthCheck",
    ...Object.values(form(["data", '{"json":{"f":{}},"maps":[["f"]]}'], ["0", "hello"]))],
  ["healthCheck multipart map to a missing path", "POST", "/rpc/healthCheck",
    ...Object.values(form(["data", '{"json":{},"maps":[["f"]]}'], ["0", "hello", { name: "a.txt", type: "text/plain" }]))],
  ["healthCheck multipart broken", "POST", "/rpc/healthCheck", { "content-type": `multipart/form-data; boundary=${BOUNDARY}` }, "garbage"],
  ["unknown procedure", "POST", "/rpc/nope", {}, null],
  ["unknown procedure GET", "GET", "/rpc/nope", {}, null],
  ["mount root", "POST", "/rpc", JSON_TYPE, "{}"],
  ["mount root slash", "POST", "/rpc/", JSON_TYPE, "{}"],
  ["percent-encoded name", "POST", "/rpc/%68ealthCheck", JSON_TYPE, "{}"],
  ["router node", "POST", "/rpc/todo", JSON_TYPE, "{}"],
  ["double slash", "POST", "/rpc//healthCheck", JSON_TYPE, "{}"],
  ["privateData without session", "POST", "/rpc/privateData", JSON_TYPE, "{}"],
  ["privateData with session", "POST", "/rpc/privateData", { ...JSON_TYPE, ...COOKIE }, "{}"],
  ["privateData with session, no body", "POST", "/rpc/privateData", COOKIE, null],
  ["privateData GET without session", "GET", "/rpc/privateData", {}, null],
  ["privateData GET with bad data", "GET", "/rpc/privateData?data=x", {}, null],
  ["privateData invalid JSON without session", "POST", "/rpc/privateData", JSON_TYPE, "{bad"],
  ["todo.getAll empty", "POST", "/rpc/todo/getAll", JSON_TYPE, "{}"],
  ["todo.create", "POST", "/rpc/todo/create", JSON_TYPE, env({ text: "Buy milk" })],
  ["todo.create extra keys", "POST", "/rpc/todo/create", JSON_TYPE, env({ text: "Walk the dog", done: true })],
  ["todo.create one emoji", "POST", "/rpc/todo/create", JSON_TYPE, env({ text: "🎉" })],
  ["todo.create multipart", "POST", "/rpc/todo/create", ...Object.values(form(["data", env({ text: "From a form" })]))],
  ["todo.create empty text", "POST", "/rpc/todo/create", JSON_TYPE, env({ text: "" })],
  ["todo.create no input", "POST", "/rpc/todo/create", JSON_TYPE, "{}"],
  ["todo.create no body", "POST", "/rpc/todo/create", {}, null],
  ["todo.create null", "POST", "/rpc/todo/create", JSON_TYPE, env(null)],
  ["todo.create array", "POST", "/rpc/todo/create", JSON_TYPE, env([])],
  ["todo.create string", "POST", "/rpc/todo/create", JSON_TYPE, env("text")],
  ["todo.create number text", "POST", "/rpc/todo/create", JSON_TYPE, env({ text: 5 })],
  ["todo.create missing text", "POST", "/rpc/todo/create", JSON_TYPE, env({})],
  ["todo.create null text", "POST", "/rpc/todo/create", JSON_TYPE, env({ text: null })],
  ["todo.create object text", "POST", "/rpc/todo/create", JSON_TYPE, env({ text: {} })],
  ["todo.create boolean text", "POST", "/rpc/todo/create", JSON_TYPE, env({ text: false })],
  ["todo.create date text", "POST", "/rpc/todo/create", JSON_TYPE, env({ text: "2020-01-01T00:00:00.000Z" }, [[1, "text"]])],
  ["todo.create bigint text", "POST", "/rpc/todo/create", JSON_TYPE, env({ text: "5" }, [[0, "text"]])],
  ["todo.create url text", "POST", "/rpc/todo/create", JSON_TYPE, env({ text: "https://x.y/" }, [[4, "text"]])],
  ["todo.create regexp text", "POST", "/rpc/todo/create", JSON_TYPE, env({ text: "/a/g" }, [[5, "text"]])],
  ["todo.create set text", "POST", "/rpc/todo/create", JSON_TYPE, env({ text: [] }, [[6, "text"]])],
  ["todo.create map text", "POST", "/rpc/todo/create", JSON_TYPE, env({ text: [] }, [[7, "text"]])],
  ["todo.create nan text", "POST", "/rpc/todo/create", JSON_TYPE, env({ text: null }, [[2, "text"]])],
  ["todo.create date input", "POST", "/rpc/todo/create", JSON_TYPE, env("2020-01-01T00:00:00.000Z", [[1]])],
  ["todo.create set input", "POST", "/rpc/todo/create", JSON_TYPE, env([], [[6]])],
  ["todo.create file text", "POST", "/rpc/todo/create",
    ...Object.values(form(["data", '{"json":{"text":{}},"maps":[["text"]]}'], ["0", "hello", { name: "a.txt", type: "text/plain" }]))],
  ["todo.create text/plain", "POST", "/rpc/todo/create", { "content-type": "text/plain" }, env({ text: "x" })],
  ["todo.create GET", "GET", `/rpc/todo/create?data=${encodeURIComponent(env({ text: "x" }))}`, {}, null],
  ["todo.create GET invalid input", "GET", `/rpc/todo/create?data=${encodeURIComponent(env({ text: "" }))}`, {}, null],
  ["todo.getAll after creates", "POST", "/rpc/todo/getAll", JSON_TYPE, "{}"],
  ["todo.toggle", "POST", "/rpc/todo/toggle", JSON_TYPE, env({ id: 1, completed: true })],
  ["todo.toggle float id", "POST", "/rpc/todo/toggle", JSON_TYPE, env({ id: 1.0, completed: true })],
  ["todo.toggle unknown id", "POST", "/rpc/todo/toggle", JSON_TYPE, env({ id: 99, completed: true })],
  ["todo.toggle wrong types", "POST", "/rpc/todo/toggle", JSON_TYPE, env({ id: "1", completed: "x" })],
  ["todo.toggle missing both", "POST", "/rpc/todo/toggle", JSON_TYPE, env({})],
  ["todo.toggle nan id", "POST", "/rpc/todo/toggle", JSON_TYPE, env({ id: null, completed: true }, [[2, "id"]])],
  ["todo.toggle bigint id", "POST", "/rpc/todo/toggle", JSON_TYPE, env({ id: "1", completed: true }, [[0, "id"]])],
  ["todo.toggle undefined in array", "POST", "/rpc/todo/toggle", JSON_TYPE, env([null], [[3, 0]])],
  ["todo.delete", "POST", "/rpc/todo/delete", JSON_TYPE, env({ id: 2 })],
  ["todo.delete again", "POST", "/rpc/todo/delete", JSON_TYPE, env({ id: 2 })],
  ["todo.delete no id", "POST", "/rpc/todo/delete", JSON_TYPE, env({ completed: true })],
  ["todo.getAll after changes", "POST", "/rpc/todo/getAll", JSON_TYPE, "{}"],
  // §4.1–§4.4: the same procedures over plain REST
  ["rest healthCheck", "POST", "/api-reference/healthCheck", {}, null],
  ["rest healthCheck JSON", "POST", "/api-reference/healthCheck", JSON_TYPE, "{}"],
  ["rest healthCheck trailing slash", "POST", "/api-reference/healthCheck/", {}, null],
  ["rest healthCheck GET", "GET", "/api-reference/healthCheck", {}, null],
  ["rest healthCheck PUT", "PUT", "/api-reference/healthCheck", {}, null],
  ["rest healthCheck invalid JSON", "POST", "/api-reference/healthCheck", JSON_TYPE, "{bad"],
  ["rest unknown", "POST", "/api-reference/nope", {}, null],
  ["rest dotted path", "POST", "/api-reference/todo.getAll", {}, null],
  ["rest privateData without session", "POST", "/api-reference/privateData", {}, null],
  ["rest privateData with session", "POST", "/api-reference/privateData", COOKIE, null],
  ["rest todo.getAll", "POST", "/api-reference/todo/getAll", {}, null],
  ["rest todo.create", "POST", "/api-reference/todo/create", JSON_TYPE, JSON.stringify({ text: "Over REST" })],
  ["rest todo.create ignores the query", "POST", "/api-reference/todo/create?text=q", JSON_TYPE, JSON.stringify({ text: "Query ignored" })],
  ["rest todo.create form", "POST", "/api-reference/todo/create", { "content-type": "application/x-www-form-urlencoded" }, "text=From+a+form&x[a]=1"],
  ["rest todo.create multipart", "POST", "/api-reference/todo/create", ...Object.values(form(["text", "Multipart"]))],
  ["rest todo.create empty text", "POST", "/api-reference/todo/create", JSON_TYPE, JSON.stringify({ text: "" })],
  ["rest todo.create no body", "POST", "/api-reference/todo/create", {}, null],
  ["rest todo.create null", "POST", "/api-reference/todo/create", JSON_TYPE, "null"],
  ["rest todo.create envelope", "POST", "/api-reference/todo/create", JSON_TYPE, env({ text: "x" })],
  ["rest todo.toggle", "POST", "/api-reference/todo/toggle", JSON_TYPE, JSON.stringify({ id: 3, completed: true })],
  ["rest todo.toggle form strings", "POST", "/api-reference/todo/toggle", { "content-type": "application/x-www-form-urlencoded" }, "id=3&completed=true"],
  ["rest todo.toggle wrong types", "POST", "/api-reference/todo/toggle", JSON_TYPE, JSON.stringify({ id: "1", completed: "x" })],
  ["rest todo.delete", "POST", "/api-reference/todo/delete", JSON_TYPE, JSON.stringify({ id: 3 })],
  ["rest todo.getAll after changes", "POST", "/api-reference/todo/getAll", JSON_TYPE, "{}"],
];

const out = [];
for (const [name, method, target, headers, body] of cases) {
  const request = new Request(`http://localhost:3000${target}`, {
    method,
    headers,
    body: body === null || method === "GET" ? undefined : body,
  });
  const response = await serve(request);
  const text = await response.text();
  out.push({
    name,
    method,
    target,
    headers: Object.entries(headers),
    body: method === "GET" ? null : body,
    status: response.status,
    contentType: response.headers.get("content-type"),
    response: text,
  });
}
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
