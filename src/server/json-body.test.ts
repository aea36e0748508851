import assert from "node:assert/strict";
import { after, test } from "node:test";
import Fastify from "fastify";
import { installErrorHandling } from "./error-handler.js";
import { installJsonParser } from "./json-body.js";

const app = Fastify();
installErrorHandling(app, 10 * 1024 * 1024);
installJsonParser(app);
app.post("/echo", async (request) => ({ ok: request.body !== undefined }));
after(() => app.close());

const post = (payload: string) =>
  app.inject({ method: "POST", url: "/echo", headers: { "content-type": "application/json" }, payload });

test("deep JSON nesting with __proto__ (finding): a 400 naming the key at any depth, not a 500", async () => {
  for (const depth of [1, 100, 20_000, 100_000]) {
    for (const [open, close] of [
      ['{"a":', "}"],
      ["[", "]"],
    ]) {
      const r = await post(`${open.repeat(depth)}{"__proto__":{"x":1}}${close.repeat(depth)}`);
      assert.equal(r.statusCode, 400, `${open} x ${depth}`);
      assert.deepEqual(r.json(), { error: 'malformed JSON: "__proto__" keys are not allowed' });
    }
  }
});

test("a __proto__ key after 500,000 array elements is found (no spread of long arrays)", async () => {
  const r = await post(`[${"1,".repeat(500_000)}{"__proto__":1}]`);
  assert.equal(r.statusCode, 400);
});

test("deep nesting without __proto__ parses; a __proto__ inside a string is data", async () => {
  const deep = `${"[".repeat(100_000)}1${"]".repeat(100_000)}`;
  assert.equal((await post(deep)).statusCode, 200);
  assert.equal((await post('{"name":"__proto__","v":"{\\"__proto__\\":1}"}')).statusCode, 200);
});
