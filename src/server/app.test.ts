import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { testConfig } from "../config/testing/config.js";
import { makeTestApp, SEED_SPAN, type TestApp } from "./testing/app.js";

describe("without auth_token", () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
    // a route that fails unexpectedly: the client must not see the cause
    t.app.get("/boom", async () => {
      throw new Error("secret database password in a stack trace");
    });
  });
  after(() => t.close());

  test("requests need no token", async () => {
    assert.equal((await t.app.inject({ url: "/health" })).statusCode, 200);
  });

  test("unknown route: 404 in the error envelope", async () => {
    const res = await t.app.inject({ url: "/nope?x=1" });
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), { error: "no route for GET /nope" });
    assert.match(String(res.headers["content-type"]), /^application\/json/);
  });

  test("wrong method on a known path: 405 with Allow", async () => {
    const res = await t.app.inject({ method: "DELETE", url: "/spans" });
    assert.equal(res.statusCode, 405);
    assert.deepEqual(res.json(), { error: "DELETE is not allowed on /spans" });
    assert.equal(res.headers.allow, "POST");
    const res2 = await t.app.inject({ method: "POST", url: "/traces/abc" });
    assert.equal(res2.statusCode, 405);
    assert.equal(res2.headers.allow, "GET");
  });

  test("an unexpected error is a 500 envelope without the cause or a stack", async () => {
    const original = console.error;
    const logged: unknown[] = [];
    console.error = (...args: unknown[]) => logged.push(args);
    try {
      const res = await t.app.inject({ url: "/boom" });
      assert.equal(res.statusCode, 500);
      assert.deepEqual(res.json(), { error: "internal server error" });
      assert.doesNotMatch(res.body, /secret|stack|at /);
      assert.equal(logged.length, 1, "the operator sees it in the log");
    } finally {
      console.error = original;
    }
  });
});

describe("with auth_token", () => {
  let t: TestApp;
  const token = "s3cret-token";
  before(async () => {
    t = await makeTestApp(testConfig({ auth_token: token }));
    t.app.get("/public-page", { config: { public: true } }, async () => ({ page: true }));
  });
  after(() => t.close());

  const cases: [string, Record<string, string>, RegExp][] = [
    ["no Authorization header", {}, /missing Authorization/],
    ["an empty header", { authorization: "" }, /missing Authorization/],
    ["Basic scheme", { authorization: `Basic ${Buffer.from(`u:${token}`).toString("base64")}` }, /Bearer scheme/],
    ["the token without scheme", { authorization: token }, /Bearer scheme/],
    ["a wrong token", { authorization: "Bearer wrong" }, /invalid bearer token/],
    ["a token prefix", { authorization: `Bearer ${token.slice(0, -1)}` }, /invalid bearer token/],
    ["a longer token", { authorization: `Bearer ${token}x` }, /invalid bearer token/],
  ];
  for (const [what, headers, pattern] of cases) {
    test(`401 with WWW-Authenticate for ${what}`, async () => {
      const res = await t.app.inject({ url: "/health", headers });
      assert.equal(res.statusCode, 401);
      assert.match(String(res.headers["www-authenticate"]), /^Bearer/);
      const body = res.json() as { error: string };
      assert.deepEqual(Object.keys(body), ["error"]);
      assert.match(body.error, pattern);
    });
  }

  test("every endpoint is protected, unknown routes and POST /spans included", async () => {
    const before = t.store.spans.length;
    for (const [method, url] of [
      ["GET", "/health"],
      ["GET", "/traces"],
      ["GET", "/traces/7f3a1c2b-e4d5-4f6a-8b9c-0d1e2f3a4b5c"],
      ["GET", "/metrics"],
      ["GET", "/no-such-route"],
      ["POST", "/spans"],
    ] as const) {
      const res = await t.app.inject({ method, url, payload: method === "POST" ? [SEED_SPAN] : undefined });
      assert.equal(res.statusCode, 401, `${method} ${url}`);
    }
    assert.equal(t.store.spans.length, before, "nothing ingested without the token");
  });

  test("only routes marked config.public skip the token", async () => {
    const res = await t.app.inject({ url: "/public-page" });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { page: true });
  });

  test("the right token passes, whatever the scheme's case", async () => {
    for (const scheme of ["Bearer", "bearer"]) {
      const res = await t.app.inject({ url: "/health", headers: { authorization: `${scheme} ${token}` } });
      assert.equal(res.statusCode, 200);
    }
    const res = await t.app.inject({
      method: "POST",
      url: "/spans",
      headers: { authorization: `Bearer ${token}` },
      payload: [SEED_SPAN],
    });
    assert.equal(res.statusCode, 202);
  });
});

describe("query parameters", () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(() => t.close());
  test("a NUL in a query parameter is a 400 naming it (PostgreSQL answered 500 for groupby=attr.a%00b)", async () => {
    for (const url of [
      "/metrics?groupby=attr.a%00b",
      "/metrics?attr.a%00b=x",
      "/metrics?model=gpt%00",
      "/metrics/total_cost/series?groupby=attr.x%00",
      "/traces?attr.a%00b=x",
      "/traces?model=a%00",
    ]) {
      const res = await t.app.inject({ url });
      assert.equal(res.statusCode, 400, url);
      assert.match((res.json() as { error: string }).error, /query parameters may not contain a NUL character/, url);
    }
  });
});
