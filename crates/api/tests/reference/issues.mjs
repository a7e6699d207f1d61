// Records the issues zod 4.6.7 reports through oRPC 1.16.1's RPCHandler for a range of
// input schemas, each with the JSON Schema @orpc/zod's converter derives from it, for
// tests/reference.rs: spinstack validates inputs against JSON Schema, and must report
// what zod reports for the equivalent zod schema.
//
//   NODE_PATH=<scratch>/node_modules node issues.mjs > issues.json   (see generate.mjs)
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(pathToFileURL(`${process.env.NODE_PATH}/`).href);
const load = async (name) => import(pathToFileURL(require.resolve(name)).href);
const { os } = await load("@orpc/server");
const { RPCHandler } = await load("@orpc/server/fetch");
const { ZodToJsonSchemaConverter } = await load("@orpc/zod/zod4");
const { z } = await load("zod");

const converter = new ZodToJsonSchemaConverter();
const env = (json, meta) => (json === undefined ? {} : meta ? { json, meta } : { json });

// [name, zod schema, [RPC envelopes]]
const suites = [
  ["todo.create", z.object({ text: z.string().min(1) }), [
    env({ text: "a" }), env({ text: "" }), env({}), env(undefined), env(null), env([]), env("x"),
    env({ text: 1 }), env({ text: true }), env({ text: null }), env({ text: {} }), env({ text: [] }),
    env({ text: "2020-01-01T00:00:00.000Z" }, [[1, "text"]]), env("2020-01-01T00:00:00.000Z", [[1]]),
    env([], [[6]]), env([], [[7]]), env("https://a.b/", [[4]]), env("/a/", [[5]]), env("1", [[0]]), env(null, [[2]]),
  ]],
  ["todo.toggle", z.object({ id: z.number(), completed: z.boolean() }), [
    env({ id: 1, completed: false }), env({ id: "1", completed: "x" }), env({}), env({ id: 1.5, completed: true }),
    env({ id: null, completed: true }, [[2, "id"]]), env({ id: "1", completed: true }, [[0, "id"]]),
    env({ completed: 1, id: 0 }),
  ]],
  ["string bounds", z.object({ s: z.string().min(2).max(3) }), [
    env({ s: "a" }), env({ s: "abcd" }), env({ s: "ab" }), env({ s: "😀😀" }), env({ s: "😀" }),
  ]],
  ["number bounds", z.object({ n: z.number().min(1).max(5) }), [
    env({ n: 0 }), env({ n: 6 }), env({ n: 5 }), env({ n: 0.5 }),
  ]],
  ["exclusive bounds", z.object({ n: z.number().gt(1).lt(5) }), [env({ n: 1 }), env({ n: 5 }), env({ n: 3 })]],
  ["integer", z.object({ n: z.number().int() }), [env({ n: 1.5 }), env({ n: 2 }), env({ n: "2" }), env({ n: 1e300 })]],
  ["boolean", z.object({ b: z.boolean() }), [env({ b: 0 }), env({ b: "true" })]],
  ["array", z.object({ a: z.array(z.string()).min(1).max(2) }), [
    env({ a: [] }), env({ a: ["x", "y", "z"] }), env({ a: ["x", 1] }), env({ a: "x" }), env({ a: [null] }, [[3, "a", 0]]),
  ]],
  ["optional and nullable", z.object({ a: z.string().optional(), b: z.string().nullable() }), [
    env({ b: null }), env({ a: 1, b: 1 }), env({}), env({ a: null, b: "x" }),
  ]],
  ["enum", z.object({ e: z.enum(["a", "b"]) }), [env({ e: "c" }), env({ e: 1 }), env({ e: "a" })]],
  ["literal", z.object({ l: z.literal("x") }), [env({ l: "y" }), env({ l: "x" })]],
  ["nested", z.object({ o: z.object({ p: z.array(z.object({ q: z.number() })) }) }), [
    env({ o: { p: [{ q: 1 }, { q: "2" }, {}] } }), env({ o: {} }), env({ o: null }),
  ]],
  ["date", z.object({ d: z.date() }), [
    env({ d: "2020-01-01T00:00:00.000Z" }, [[1, "d"]]), env({ d: "2020-01-01T00:00:00.000Z" }), env({ d: null }, [[1, "d"]]),
  ]],
  ["bigint", z.object({ b: z.bigint() }), [env({ b: "5" }, [[0, "b"]]), env({ b: 5 }), env({ b: "5" })]],
  ["union", z.object({ u: z.union([z.string(), z.number()]) }), [env({ u: true }), env({ u: 1 })]],
];

const out = [];
for (const [name, schema, inputs] of suites) {
  const [, jsonSchema] = converter.convert(schema, { strategy: "input" });
  const handler = new RPCHandler({ p: os.input(schema).handler(({ input }) => input) });
  const cases = [];
  for (const envelope of inputs) {
    const body = JSON.stringify(envelope);
    const { response } = await handler.handle(
      new Request("http://localhost/rpc/p", { method: "POST", headers: { "content-type": "application/json" }, body }),
      { prefix: "/rpc", context: {} },
    );
    const reply = await response.json();
    cases.push({ body, status: response.status, issues: reply.json?.data?.issues ?? null });
  }
  out.push({ name, schema: jsonSchema, cases });
}
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
