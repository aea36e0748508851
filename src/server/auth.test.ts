import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { testConfig } from "../config/testing/config.js";
import { MemoryStore } from "../store/memory/index.js";
import { buildApp } from "./app.js";
import { SCOPE_HEADER } from "./auth.js";
import { createRuntime, type Runtime } from "./runtime.js";
import { FIXED_NOW, SEED_SPAN } from "./testing/app.js";

const ADMIN = "admin-token-from-http-server";
const INGEST = "i";
const READ = "a-read-token-much-longer-than-the-others-to-vary-lengths-0123456789";
const SCOPED_ADMIN = "scoped-admin";

const RULE = { name: "r1", metric: "total_cost", op: "gt", threshold: 10, window: "1h" };
// an empty export request: the scope check comes first, the content does not matter
const OTLP = { resourceSpans: [] };

describe("scoped tokens (finding: a single all-powerful token)", () => {
  let runtime: Runtime;
  let app: Awaited<ReturnType<typeof buildApp>>;
  const logged: string[] = [];
  const original = console.error;
  before(async () => {
    console.error = (...args: unknown[]) => logged.push(args.map(String).join(" "));
    const config = testConfig(
      { auth_token: ADMIN },
      {
        auth: {
          tokens: [
            { token: INGEST, scope: "ingest" },
            { token: READ, scope: "read" },
            { token: SCOPED_ADMIN, scope: "admin" },
          ],
        },
      },
    );
    runtime = await createRuntime(config, { store: new MemoryStore(), now: () => FIXED_NOW });
    app = await buildApp(runtime);
    app.get("/boom", async () => {
      throw new Error("unexpected");
    });
  });
  after(async () => {
    console.error = original;
    await app.close();
    await runtime.close();
  });

  const call = (token: string | null, method: "GET" | "POST" | "DELETE", url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
      ...(payload !== undefined && { payload: payload as object }),
    });

  test("ingest: POST /spans, POST /v1/traces and POST /scores, nothing else (403 in the error envelope)", async () => {
    const spans = await call(INGEST, "POST", "/spans", [SEED_SPAN]);
    assert.equal(spans.statusCode, 202);
    assert.equal(spans.headers[SCOPE_HEADER], "ingest");
    assert.equal((await call(INGEST, "POST", "/v1/traces", OTLP)).statusCode, 200);
    const score = { trace_id: "7f3a1c2b-e4d5-4f6a-8b9c-0d1e2f3a4b5c", name: "thumbs", value: true, id: "s-1" };
    assert.equal((await call(INGEST, "POST", "/scores", score)).statusCode, 201);
    for (const [method, url, body] of [
      ["GET", "/metrics"],
      ["GET", "/scores"],
      ["DELETE", "/scores/s-1"],
      ["GET", "/traces"],
      ["GET", "/health"],
      ["POST", "/alerts", RULE],
    ] as const) {
      const res = await call(INGEST, method, url, body);
      assert.equal(res.statusCode, 403, `${method} ${url}`);
      assert.match(
        res.json().error,
        new RegExp(`^a token with scope ingest cannot call ${method} ${url}; it needs scope`),
      );
    }
  });

  test("read: every GET, no POST or DELETE", async () => {
    for (const url of [
      "/health",
      "/metrics?window=1h",
      "/traces",
      "/alerts",
      "/metrics/prometheus",
      "/metrics/total_cost",
    ]) {
      const res = await call(READ, "GET", url);
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.headers[SCOPE_HEADER], "read");
    }
    const exp = await call(READ, "GET", "/export?format=jsonl&since=2026-03-15T00:00:00Z");
    assert.ok(exp.statusCode !== 401 && exp.statusCode !== 403, `GET /export: ${exp.statusCode}`);
    for (const [method, url, body] of [
      ["POST", "/spans", [SEED_SPAN]],
      ["POST", "/v1/traces", OTLP],
      ["POST", "/alerts", RULE],
      ["POST", "/alerts/r1/silence", { duration: "1h" }],
      ["DELETE", "/alerts/r1"],
    ] as const) {
      const res = await call(READ, method, url, body);
      assert.equal(res.statusCode, 403, `${method} ${url}`);
      // OTLP answers in its own google.rpc.Status shape, which carries `error` as well
      if (url !== "/v1/traces") assert.deepEqual(Object.keys(res.json()), ["error"]);
      assert.match(res.json().error, /it needs scope (ingest|admin)$/);
    }
  });

  test("admin (http_server.auth_token or an admin entry): everything", async () => {
    assert.equal((await call(ADMIN, "POST", "/alerts", RULE)).statusCode, 201);
    const silence = await call(SCOPED_ADMIN, "POST", "/alerts/r1/silence", { duration: "1h" });
    assert.equal(silence.statusCode, 200);
    assert.equal(silence.headers[SCOPE_HEADER], "admin");
    assert.equal((await call(SCOPED_ADMIN, "DELETE", "/alerts/r1/silence")).statusCode, 200);
    assert.equal((await call(SCOPED_ADMIN, "DELETE", "/alerts/r1")).statusCode, 204);
    assert.equal((await call(ADMIN, "POST", "/spans", [SEED_SPAN])).statusCode, 202);
    assert.equal((await call(SCOPED_ADMIN, "GET", "/metrics")).statusCode, 200);
  });

  test("an unknown token is a 401 as before, whatever its length", async () => {
    for (const token of ["", "x", `${READ}x`, READ.slice(0, -1), "A".repeat(5000)]) {
      const res = await call(token === "" ? null : token, "GET", "/metrics");
      assert.equal(res.statusCode, 401, JSON.stringify(token.slice(0, 20)));
      assert.equal(res.headers[SCOPE_HEADER], undefined);
    }
  });

  test("tokens never reach the log, not even when a request fails", async () => {
    logged.length = 0;
    for (const token of [ADMIN, READ, SCOPED_ADMIN]) {
      assert.equal((await call(token, "GET", "/boom")).statusCode, 500);
    }
    assert.equal((await call(INGEST, "GET", "/boom")).statusCode, 403);
    assert.equal((await call("not-a-configured-token", "GET", "/boom")).statusCode, 401);
    assert.equal(logged.length, 3, "the 500s are logged");
    for (const token of [ADMIN, READ, SCOPED_ADMIN, "not-a-configured-token"]) {
      assert.ok(!logged.some((l) => l.includes(token)), `${token} appears in the log`);
    }
    assert.ok(!logged.some((l) => /authorization|bearer/i.test(l)));
  });
});
