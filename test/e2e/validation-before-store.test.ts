// Issue 12, point 2: a span that passes validation never fails the insert. Before, a cost
// computed past the cost column, a NUL in any string or a lone surrogate in an attribute
// passed validation and failed the insert: 503 for a data error, on DuckDB /health turned 503,
// and every other request of the same group commit failed with it. Each case runs against a
// real DuckDB file and a real PostgreSQL schema, over HTTP.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { testConfig } from "../../src/config/testing/config.js";
import { type RunningServer, startServer } from "../../src/server/index.js";
import { DuckDbStore } from "../../src/store/duckdb/driver.js";
import { openScratch, SKIP_PG } from "../../src/store/postgres/testing/scratch.js";
import type { Store } from "../../src/store/store.js";

const NUL = "contains a NUL character (\\u0000)";
const LONE = "contains a lone surrogate (\\ud800), which is not valid Unicode";

/** Bodies that used to pass validation and fail the insert, and the 400 each gets now. */
const REFUSED: [string, Record<string, unknown>, string][] = [
  ["prompt_tokens", { model: "gpt-4o", prompt_tokens: 400_000_000_000 }, "prompt_tokens: must be at most 1000000000"],
  ["computed cost", { model: "pricey", prompt_tokens: 1_000_000 }, "cost_usd: computed from the tokens"],
  ["model", { model: "gpt\u0000", prompt_tokens: 1 }, `model: ${NUL}`],
  ["name", { model: "gpt-4o", prompt_tokens: 1, name: "n\u0000" }, `name: ${NUL}`],
  ["provider", { model: "gpt-4o", prompt_tokens: 1, provider: "p\u0000" }, `provider: ${NUL}`],
  ["caller", { model: "gpt-4o", prompt_tokens: 1, caller: "c\u0000" }, `caller: ${NUL}`],
  [
    "attribute key",
    { model: "gpt-4o", prompt_tokens: 1, attributes: { "k\u0000": 1 } },
    `attributes.k\\u0000: key ${NUL}`,
  ],
  [
    "attribute value",
    { model: "gpt-4o", prompt_tokens: 1, attributes: { error: "e\u0000" } },
    `attributes.error: ${NUL}`,
  ],
  ["lone surrogate", { model: "gpt-4o", prompt_tokens: 1, attributes: { a: "x\ud800" } }, `attributes.a: ${LONE}`],
  [
    "content",
    { model: "gpt-4o", prompt_tokens: 1, input: [{ role: "user", parts: ["hi\u0000"] }] },
    `input[0].parts[0]: ${NUL}`,
  ],
  ["content surrogate", { model: "gpt-4o", prompt_tokens: 1, output: "o\ud800" }, `output: ${LONE}`],
];

function config() {
  // one model priced at a million dollars per million input tokens: a computed cost past the column
  return testConfig({}, { pricing: { overrides: { pricey: { input_per_mtok: 1_000_000, output_per_mtok: 0 } } } });
}

async function postJson(server: RunningServer, path: string, body: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const traceId = (n: number) => `5b8efff798038103d269b633813f${n.toString(16).padStart(4, "0")}`;
const spanId = (n: number) => n.toString(16).padStart(16, "0");

function otlpSpan(n: number, attributes: unknown[]) {
  const start = BigInt(Date.now() - 60_000) * 1_000_000n;
  return {
    traceId: traceId(n).replace(/-/g, ""),
    spanId: spanId(n),
    name: "chat",
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + 1_000_000_000n),
    attributes: [
      { key: "gen_ai.request.model", value: { stringValue: "gpt-4o" } },
      { key: "gen_ai.usage.input_tokens", value: { intValue: "10" } },
      ...attributes,
    ],
  };
}

async function traceSpans(server: RunningServer, n: number): Promise<number> {
  const res = await fetch(`${server.url}/traces/${traceId(n)}`);
  if (res.status === 404) return 0;
  return ((await res.json()) as { spans: unknown[] }).spans.length;
}

function suite(name: string, skip: string | false, open: () => Promise<{ store: Store; cleanup(): Promise<void> }>) {
  describe(`validation is complete before the store (${name})`, { skip }, () => {
    test("finding: a span whose computed cost overflows the cost column, or with a NUL or a lone surrogate in any string, is a 400 naming the field, never a 503", async () => {
      const { store, cleanup } = await open();
      const server = await startServer(config(), { store });
      try {
        for (const [what, span, message] of REFUSED) {
          const r = await postJson(server, "/spans", [{ model: "gpt-4o", prompt_tokens: 1 }, span]);
          assert.equal(r.status, 400, `${what}: ${JSON.stringify(r.body)}`);
          assert.ok(String(r.body.error).startsWith(`spans[1].${message}`), `${what}: ${r.body.error}`);
        }
        const ok = await postJson(server, "/spans", { model: "gpt-4o", prompt_tokens: 1, trace_id: traceId(1) });
        assert.equal(ok.status, 202);
        assert.equal(await traceSpans(server, 1), 1);
        assert.equal((await fetch(`${server.url}/health`)).status, 200);
      } finally {
        await server.close();
        await cleanup();
      }
    });

    test("finding: a NUL in an OTLP attribute or its content rejects that span through partialSuccess; the rest of the request is stored", async () => {
      const { store, cleanup } = await open();
      const server = await startServer(config(), { store });
      try {
        const r = await postJson(server, "/v1/traces", {
          resourceSpans: [
            {
              scopeSpans: [
                {
                  spans: [
                    otlpSpan(10, [{ key: "user", value: { stringValue: "a\u0000b" } }]),
                    otlpSpan(11, []),
                    otlpSpan(12, [
                      {
                        key: "gen_ai.input.messages",
                        value: { stringValue: '[{"role":"user","parts":[{"type":"text","content":"\\u0000"}]}]' },
                      },
                    ]),
                    otlpSpan(13, [{ key: "k", value: { stringValue: "\ud800" } }]),
                  ],
                },
              ],
            },
          ],
        });
        assert.equal(r.status, 200);
        const partial = r.body.partialSuccess as { rejectedSpans: string; errorMessage: string };
        assert.equal(partial.rejectedSpans, "3");
        assert.match(partial.errorMessage, /spans\[0\]\.attributes\.user: contains a NUL character/);
        assert.match(partial.errorMessage, /spans\[2\]: content\.input\[0\]\.parts\[0\]\.content: contains a NUL/);
        assert.match(partial.errorMessage, /spans\[3\]\.attributes\.k: contains a lone surrogate/);
        assert.deepEqual(await Promise.all([10, 11, 12, 13].map((n) => traceSpans(server, n))), [0, 1, 0, 0]);
      } finally {
        await server.close();
        await cleanup();
      }
    });

    test("finding: an alert rule with a lone surrogate or a NUL in its filter or delivery is a 400 naming the field, never a 503", async () => {
      const { store, cleanup } = await open();
      const server = await startServer(config(), { store });
      const rule = (extra: Record<string, unknown>) => ({
        name: "cost-spike",
        metric: "total_cost",
        op: "gt",
        threshold: 1,
        window: "1h",
        ...extra,
      });
      try {
        // the fuzz case that got a 503 from PostgreSQL ("the store is unavailable")
        const cases: [Record<string, unknown>, string][] = [
          [{ filter: { caller: "\udfff" } }, "filter.caller: contains a lone surrogate (\\udfff)"],
          [{ filter: { "attr.k": "a\u0000" } }, `filter.attr.k: ${NUL}`],
          [{ filter: { "attr.\ud800": "x" } }, "filter.attr.\\ud800: key contains a lone surrogate"],
          [
            { delivery: { type: "http", url: "http://example.com/hook", headers: { "x-a": "\ud800" } } },
            `delivery.headers.x-a: ${LONE}`,
          ],
        ];
        for (const [extra, error] of cases) {
          const r = await postJson(server, "/alerts", rule(extra));
          assert.equal(r.status, 400, JSON.stringify(r.body));
          assert.ok(String(r.body.error).includes(error), `${r.body.error} should include ${error}`);
        }
        assert.equal((await postJson(server, "/alerts", rule({ filter: { caller: "ok\ud83d\ude00" } }))).status, 201);
        assert.equal((await fetch(`${server.url}/health`)).status, 200);
      } finally {
        await server.close();
        await cleanup();
      }
    });

    test("finding: requests committed together with one carrying a bad value all commit", async () => {
      const { store, cleanup } = await open();
      const server = await startServer(config(), { store });
      try {
        // sent at once, so the good ones share group commits with the bad ones
        const good = Array.from({ length: 20 }, (_, i) => i + 100);
        const answers = await Promise.all([
          ...good.map((n) => postJson(server, "/spans", { model: "gpt-4o", prompt_tokens: 1, trace_id: traceId(n) })),
          ...REFUSED.map(([, span]) => postJson(server, "/spans", span)),
        ]);
        assert.deepEqual(
          answers.map((a) => a.status),
          [...good.map(() => 202), ...REFUSED.map(() => 400)],
        );
        for (const n of good) assert.equal(await traceSpans(server, n), 1, `trace ${n}`);
        assert.equal((await fetch(`${server.url}/health`)).status, 200);
      } finally {
        await server.close();
        await cleanup();
      }
    });
  });
}

suite("DuckDB", false, async () => {
  const dir = await mkdtemp(join(tmpdir(), "tt-validation-"));
  const store = await DuckDbStore.open(join(dir, "spans.duckdb"));
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

suite("PostgreSQL", SKIP_PG, () => openScratch());
