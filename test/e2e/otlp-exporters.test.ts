// The real OpenTelemetry JS SDK and its OTLP exporters (JSON over HTTP, protobuf over HTTP)
// export GenAI spans to a running tokentrace server; the spans must come back from
// GET /traces/{id} and count in GET /metrics with the right model, provider, tokens,
// cost and status.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Attributes, context, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";
import type { ApiSpan } from "../../src/span/api.js";
import { makeTempDir, removeDir, type ServeProcess, startServe, writeConfig } from "./helpers/server.js";

// ExportResultCode of @opentelemetry/core (a dependency of the SDK, not of this package)
const ExportResultCode = { SUCCESS: 0, FAILED: 1 } as const;
type ExportResultCode = (typeof ExportResultCode)[keyof typeof ExportResultCode];

const TOKEN = "otlp-secret";
let server: ServeProcess;
let dir: string;

before(async () => {
  dir = await makeTempDir();
  const config = await writeConfig(dir, `http_server:\n  auth_token: "${TOKEN}"\n`);
  server = await startServe({ dataDir: dir, args: ["--config", config] });
});
after(async () => {
  await server?.stop();
  await removeDir(dir);
});

type Kind = "json" | "proto";

/** Exports what `build` records through the real SDK and exporter; fails unless the export succeeded. */
async function exportWith(kind: Kind, service: string, build: (tracer: Tracer) => void, gzip = false): Promise<void> {
  const options = {
    url: `${server.url}/v1/traces`,
    headers: { Authorization: `Bearer ${TOKEN}` },
    ...(gzip && { compression: "gzip" as never }),
  };
  const inner: SpanExporter = kind === "json" ? new JsonExporter(options) : new ProtoExporter(options);
  const results: { code: ExportResultCode; error?: Error }[] = [];
  const recording: SpanExporter = {
    export(spans: ReadableSpan[], done) {
      inner.export(spans, (r) => {
        results.push(r);
        done(r);
      });
    },
    shutdown: () => inner.shutdown(),
  };
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": service }),
    spanProcessors: [new BatchSpanProcessor(recording)],
  });
  build(provider.getTracer("tokentrace-e2e"));
  await provider.forceFlush();
  await provider.shutdown();
  assert.ok(results.length > 0, "the exporter sent nothing");
  for (const r of results) assert.equal(r.code, ExportResultCode.SUCCESS, `export failed: ${r.error?.message}`);
}

/** A span with explicit times, optionally a child of `parent`, ended at once. */
function record(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  opts: { parent?: ReturnType<Tracer["startSpan"]>; startMs: number; durationMs: number; error?: string },
) {
  const ctx = opts.parent ? trace.setSpan(context.active(), opts.parent) : context.active();
  const span = tracer.startSpan(name, { attributes, startTime: opts.startMs }, ctx);
  if (opts.error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: opts.error });
  span.end(opts.startMs + opts.durationMs);
  return span;
}

async function getTrace(traceId: string): Promise<{ span_count: number; total_cost_usd: number; spans: ApiSpan[] }> {
  const uuid = traceId.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
  const res = await fetch(`${server.url}/traces/${uuid}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as { span_count: number; total_cost_usd: number; spans: ApiSpan[] };
}

interface Overview {
  span_count: number;
  cost: { total_usd: number };
  tokens: { prompt_total: number; completion_total: number };
  errors: { count: number };
}

/** GET /metrics for the last hour, for one caller only (each test exports as its own service). */
async function metricsFor(caller: string): Promise<Overview> {
  const res = await fetch(`${server.url}/metrics?window=1h&caller=${encodeURIComponent(caller)}`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as Overview;
}

function byName(spans: ApiSpan[], name: string): ApiSpan {
  const s = spans.find((x) => x.name === name);
  assert.ok(s, `no span named ${name} in ${spans.map((x) => x.name).join(", ")}`);
  return s;
}

const now = Date.now() - 60_000;

describe("OTLP export from the OpenTelemetry JS SDK", () => {
  test("current GenAI names over OTLP/JSON with gzip", async () => {
    let traceId = "";
    let rootId = "";
    await exportWith(
      "json",
      "checkout-service",
      (tracer) => {
        const root = record(tracer, "handle-request", { "http.route": "/ask" }, { startMs: now, durationMs: 3000 });
        traceId = root.spanContext().traceId;
        rootId = root.spanContext().spanId;
        record(
          tracer,
          "chat gpt-4o",
          {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "openai",
            "gen_ai.system": "ignored-when-provider-name-is-set",
            "gen_ai.request.model": "gpt-4o",
            "gen_ai.response.model": "gpt-4o-2024-08-06",
            "gen_ai.usage.input_tokens": 512,
            "gen_ai.usage.output_tokens": 128,
            "gen_ai.usage.cache_read.input_tokens": 100,
            "eval.score": 0.87,
          },
          { parent: root, startMs: now + 10, durationMs: 1240 },
        );
        record(
          tracer,
          "chat claude-sonnet-4-5",
          {
            "gen_ai.provider.name": "anthropic",
            "gen_ai.request.model": "claude-sonnet-4-5",
            "gen_ai.usage.input_tokens": 1000,
            "gen_ai.usage.output_tokens": 500,
            "gen_ai.usage.cache_read.input_tokens": 200,
            "gen_ai.usage.cache_creation.input_tokens": 100,
          },
          { parent: root, startMs: now + 1300, durationMs: 900, error: "overloaded_error" },
        );
        record(
          tracer,
          "chat my-finetune",
          {
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "ft:gpt-4o-mini:acme",
            "gen_ai.usage.input_tokens": 10,
            "gen_ai.usage.output_tokens": 5,
            "gen_ai.usage.cost": 0.0123,
          },
          { parent: root, startMs: now + 2300, durationMs: 100 },
        );
      },
      true,
    );

    const t = await getTrace(traceId);
    assert.equal(t.span_count, 4);
    const root = byName(t.spans, "handle-request");
    assert.equal(root.model, null, "a span without a model is not an LLM call");
    assert.equal(root.cost_usd, null);
    assert.equal(root.attributes["http.route"], "/ask");

    const gpt = byName(t.spans, "chat gpt-4o");
    assert.equal(gpt.parent_span_id, rootId);
    assert.equal(gpt.model, "gpt-4o-2024-08-06", "gen_ai.response.model wins over gen_ai.request.model");
    assert.equal(gpt.provider, "openai", "gen_ai.provider.name wins over gen_ai.system");
    assert.deepEqual([gpt.prompt_tokens, gpt.comp_tokens, gpt.total_tokens, gpt.cached_tokens], [512, 128, 640, 100]);
    assert.equal(gpt.cost_usd, 0.002435); // 412 × $2.50 + 100 × $1.25 + 128 × $10 per Mtok
    assert.equal(gpt.latency_ms, 1240);
    assert.equal(gpt.status, "ok");
    assert.equal(gpt.caller, "checkout-service");
    assert.equal(gpt.attributes["gen_ai.request.model"], "gpt-4o", "attributes that lost precedence are kept");
    assert.equal(gpt.attributes["eval.score"], 0.87);
    assert.equal(gpt.attributes["gen_ai.usage.input_tokens"], undefined, "mapped attributes become fields");

    const claude = byName(t.spans, "chat claude-sonnet-4-5");
    assert.equal(claude.status, "error");
    assert.equal(claude.attributes["otel.status_description"], "overloaded_error");
    assert.equal(claude.cached_tokens, 200);
    // 700 fresh × $3 + 200 cache reads × $0.30 + 100 cache writes × $3.75 + 500 × $15 per Mtok
    assert.equal(claude.cost_usd, 0.010035);

    const ft = byName(t.spans, "chat my-finetune");
    assert.equal(ft.cost_usd, 0.0123, "gen_ai.usage.cost wins over the price table");

    // three LLM calls; the HTTP handler span is not one
    const m = await metricsFor("checkout-service");
    assert.equal(m.span_count, 3);
    assert.equal(m.cost.total_usd, 0.02477); // 0.002435 + 0.010035 + 0.0123
    assert.deepEqual([m.tokens.prompt_total, m.tokens.completion_total], [1522, 633]);
    assert.equal(m.errors.count, 1);

    const prom = await fetch(`${server.url}/metrics/prometheus`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    const counted = (await prom.text())
      .split("\n")
      .filter((l) => l.startsWith("tokentrace_spans_total{") && l.includes('caller="checkout-service"'))
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
    assert.equal(counted, 3, "Prometheus counts the LLM calls only");
  });

  test("deprecated GenAI names over OTLP/protobuf", async () => {
    let traceId = "";
    await exportWith("proto", "legacy-service", (tracer) => {
      const a = record(
        tracer,
        "anthropic.chat",
        {
          "gen_ai.system": "anthropic",
          "gen_ai.request.model": "claude-3-5-haiku-20241022",
          "gen_ai.usage.prompt_tokens": 1000,
          "gen_ai.usage.completion_tokens": 500,
        },
        { startMs: now, durationMs: 700, error: "Request timed out." },
      );
      traceId = a.spanContext().traceId;
      record(
        tracer,
        "openai.chat",
        {
          "gen_ai.system": "openai",
          "gen_ai.request.model": "gpt-4o-mini",
          "gen_ai.usage.prompt_tokens": 800,
          "gen_ai.usage.completion_tokens": 150,
          "llm.usage.total_tokens": 950,
        },
        { parent: a, startMs: now + 700, durationMs: 300 },
      );
    });

    const t = await getTrace(traceId);
    const haiku = byName(t.spans, "anthropic.chat");
    assert.equal(haiku.model, "claude-3-5-haiku-20241022");
    assert.equal(haiku.provider, "anthropic");
    assert.deepEqual([haiku.prompt_tokens, haiku.comp_tokens, haiku.total_tokens], [1000, 500, 1500]);
    assert.equal(haiku.cost_usd, 0.0028);
    assert.equal(haiku.status, "timeout", "an error whose description says it timed out");
    assert.equal(haiku.caller, "legacy-service");

    const mini = byName(t.spans, "openai.chat");
    assert.deepEqual([mini.model, mini.provider, mini.total_tokens], ["gpt-4o-mini", "openai", 950]);
    assert.equal(mini.cost_usd, 0.00021);
    assert.equal(mini.status, "ok");

    const m = await metricsFor("legacy-service");
    assert.equal(m.span_count, 2);
    assert.equal(m.cost.total_usd, 0.00301);
    assert.deepEqual([m.tokens.prompt_total, m.tokens.completion_total], [1800, 650]);
  });

  test("Vercel AI SDK ai.* names: wrapper spans are not counted twice", async () => {
    let traceId = "";
    await exportWith("proto", "next-app", (tracer) => {
      const outer = record(
        tracer,
        "ai.generateText",
        {
          "ai.operationId": "ai.generateText",
          "ai.model.id": "gpt-4o-mini",
          "ai.model.provider": "openai.chat",
          "ai.usage.promptTokens": 1000,
          "ai.usage.completionTokens": 200,
        },
        { startMs: now, durationMs: 2000 },
      );
      traceId = outer.spanContext().traceId;
      record(
        tracer,
        "ai.generateText.doGenerate",
        {
          "ai.operationId": "ai.generateText.doGenerate",
          "ai.model.id": "gpt-4o-mini",
          "ai.model.provider": "openai.chat",
          "ai.response.model": "gpt-4o-mini-2024-07-18",
          "ai.usage.promptTokens": 1000,
          "ai.usage.completionTokens": 200,
        },
        { parent: outer, startMs: now + 5, durationMs: 1900 },
      );
      record(
        tracer,
        "ai.streamText.doStream",
        {
          "ai.operationId": "ai.streamText.doStream",
          "ai.model.id": "claude-3-5-haiku-20241022",
          "ai.model.provider": "anthropic.messages",
          "ai.usage.inputTokens": 1000,
          "ai.usage.outputTokens": 500,
          "ai.response.msToFirstChunk": 245.5,
        },
        { parent: outer, startMs: now + 1950, durationMs: 40 },
      );
    });

    const t = await getTrace(traceId);
    assert.equal(t.span_count, 3);
    const outer = byName(t.spans, "ai.generateText");
    assert.equal(outer.model, null, "the wrapper repeats its children's usage");
    assert.equal(outer.attributes["ai.usage.promptTokens"], 1000);

    const gen = byName(t.spans, "ai.generateText.doGenerate");
    assert.deepEqual([gen.model, gen.provider], ["gpt-4o-mini-2024-07-18", "openai"]);
    assert.deepEqual([gen.prompt_tokens, gen.comp_tokens], [1000, 200]);
    assert.equal(gen.cost_usd, 0.00027);

    const stream = byName(t.spans, "ai.streamText.doStream");
    assert.deepEqual([stream.model, stream.provider], ["claude-3-5-haiku-20241022", "anthropic"]);
    assert.deepEqual([stream.prompt_tokens, stream.comp_tokens], [1000, 500]);
    assert.equal(stream.ttft_ms, 245.5);
    assert.equal(stream.cost_usd, 0.0028);
    assert.equal(t.total_cost_usd, 0.00307);

    // the wrapper's 1000 + 200 tokens are not counted on top of its calls'
    const m = await metricsFor("next-app");
    assert.equal(m.span_count, 2);
    assert.equal(m.cost.total_usd, 0.00307);
    assert.deepEqual([m.tokens.prompt_total, m.tokens.completion_total], [2000, 700]);
  });

  test("OpenInference llm.* names", async () => {
    let traceId = "";
    await exportWith("json", "phoenix-app", (tracer) => {
      const chain = record(
        tracer,
        "RetrievalQA",
        { "openinference.span.kind": "CHAIN", "llm.model_name": "gpt-4o", "llm.token_count.total": 999 },
        { startMs: now, durationMs: 1000 },
      );
      traceId = chain.spanContext().traceId;
      record(
        tracer,
        "ChatOpenAI",
        {
          "openinference.span.kind": "LLM",
          "llm.model_name": "gpt-4o-2024-08-06",
          "llm.provider": "openai",
          "llm.token_count.prompt": 512,
          "llm.token_count.completion": 128,
          "llm.token_count.total": 640,
          "llm.token_count.prompt_details.cache_read": 100,
        },
        { parent: chain, startMs: now + 1, durationMs: 900 },
      );
    });
    const t = await getTrace(traceId);
    assert.equal(byName(t.spans, "RetrievalQA").model, null, "CHAIN spans are not LLM calls");
    const llm = byName(t.spans, "ChatOpenAI");
    assert.deepEqual(
      [llm.model, llm.provider, llm.prompt_tokens, llm.comp_tokens, llm.cached_tokens, llm.cost_usd],
      ["gpt-4o-2024-08-06", "openai", 512, 128, 100, 0.002435],
    );
    const m = await metricsFor("phoenix-app");
    assert.deepEqual([m.span_count, m.cost.total_usd, m.tokens.prompt_total], [1, 0.002435, 512]);
  });

  test("a wrong token is refused with 401 and the exporter reports the failure", async () => {
    const exporter = new JsonExporter({ url: `${server.url}/v1/traces`, headers: { Authorization: "Bearer wrong" } });
    const provider = new BasicTracerProvider({ spanProcessors: [] });
    const span = provider.getTracer("t").startSpan("x");
    span.end();
    const result = await new Promise<{ code: ExportResultCode }>((resolve) =>
      exporter.export([span as unknown as ReadableSpan], resolve),
    );
    assert.equal(result.code, ExportResultCode.FAILED);
    await exporter.shutdown();
  });
});
