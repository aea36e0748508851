// A trace's session and user (tracer.trace options, trace.setUser / setSession) on every
// span of the trace; invalid ids dropped with a warning, never thrown.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { mapSpan } from "../otlp/map.js";
import { readExportRequest } from "../otlp/read.js";
import { parseSpans } from "../span/normalize.js";
import type { Span } from "../span/types.js";
import { toOtlpBody } from "./otlp.js";
import { json } from "./testing/fake-provider.js";
import { chatCompletion } from "./testing/openai-bodies.js";
import { useTracedProvider, wrappedOpenAI } from "./testing/traced-provider.js";
import { createTracer } from "./tracer.js";
import { MemoryTransport } from "./transports/memory.js";
import { toWireSpan } from "./wire.js";

const sdk = useTracedProvider("chat-api");
const who = (spans: Span[]) => spans.map((s) => [s.name, s.session_id, s.user_id]);

function quiet() {
  const warnings: string[] = [];
  const mem = new MemoryTransport();
  const tracer = createTracer({ transport: mem, flushIntervalMs: 60_000, onWarning: (w) => warnings.push(w) });
  return { mem, tracer, warnings };
}

describe("trace session and user", () => {
  test("trace options reach every span: the root, nested spans, recorded calls and wrapped client calls", async () => {
    const { openai } = wrappedOpenAI(sdk);
    sdk.fake.next((_r, res) => json(res, 200, chatCompletion("gpt-4o-mini", { prompt: 40, completion: 2 })));
    await sdk.tracer.trace(
      "turn",
      async () => {
        await sdk.tracer.span("retrieve", async (span) => {
          span.recordLLMCall({ model: "text-embedding-3-small", prompt_tokens: 12 });
          await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] });
        });
        sdk.tracer.recordLLMCall({ name: "answer", model: "gpt-4o", prompt_tokens: 5 });
      },
      { sessionId: "conv-1", userId: "u-1" },
    );
    const spans = await sdk.spans();
    assert.equal(spans.length, 4);
    assert.ok(
      spans.every((s) => s.session_id === "conv-1" && s.user_id === "u-1"),
      JSON.stringify(who(spans)),
    );
    // and a trace without them carries neither
    await sdk.tracer.trace("other", (t) => t.recordLLMCall({ model: "gpt-4o", prompt_tokens: 1 }));
    const [other] = (await sdk.spans()).slice(-1);
    assert.deepEqual([other.session_id, other.user_id], [null, null]);
  });

  test("setUser and setSession inside the trace reach spans that ended before, while they wait to be sent", async () => {
    const { mem, tracer } = quiet();
    await tracer.trace("turn", async (trace) => {
      await tracer.span("auth", (s) => s.recordLLMCall({ model: "gpt-4o-mini", prompt_tokens: 3 }));
      trace.setUser("u-2");
      await tracer.span("answer", (s) => {
        s.recordLLMCall({ model: "gpt-4o", prompt_tokens: 9 });
        tracer.currentTrace()?.setSession("conv-2");
      });
    });
    await tracer.flush();
    assert.deepEqual(
      who(mem.spans()).sort(),
      [
        ["answer", "conv-2", "u-2"],
        ["auth", "conv-2", "u-2"],
        ["turn", "conv-2", "u-2"],
      ],
      "the auth span ended before setUser and still carries it",
    );
    await tracer.shutdown();
  });

  test("a span already sent keeps what it had; after the trace ends setUser changes nothing", async () => {
    const { mem, tracer } = quiet();
    let handle: ReturnType<typeof tracer.startTrace> | undefined;
    await tracer.trace("turn", async (trace) => {
      handle = trace;
      await tracer.span("early", (s) => s.recordLLMCall({ model: "gpt-4o-mini", prompt_tokens: 3 }));
      await tracer.flush(); // "early" leaves the queue now
      trace.setUser("u-3");
    });
    handle?.setUser("too-late");
    await tracer.flush();
    assert.deepEqual(who(mem.spans()), [
      ["early", null, null],
      ["turn", null, "u-3"],
    ]);
    await tracer.shutdown();
  });

  test("invalid ids are dropped with a rate-limited warning, never thrown; the valid ones stay", async () => {
    const { mem, tracer, warnings } = quiet();
    await tracer.trace(
      "turn",
      (trace) => {
        trace.setUser(""); // too short
        trace.setSession("s".repeat(257)); // too long
        (trace.setUser as (v: unknown) => unknown)(42);
        trace.recordLLMCall({ model: "gpt-4o", prompt_tokens: 1 });
      },
      { userId: "u-4", sessionId: null as unknown as string },
    );
    const throwing = {
      get userId(): string {
        throw new Error("getter");
      },
    };
    await tracer.trace("t2", (t) => t.recordLLMCall({ model: "gpt-4o", prompt_tokens: 1 }), throwing);
    await tracer.flush();
    assert.deepEqual(who(mem.spans()), [
      ["turn", null, "u-4"],
      ["t2", null, null],
    ]);
    assert.deepEqual(warnings, [
      "tokentrace: session or user id dropped: sessionId must be a string, got null (1 dropped so far)",
    ]);
    await tracer.shutdown();
  });

  test("a NUL or lone surrogate becomes U+FFFD, as for other SDK text", async () => {
    const { mem, tracer } = quiet();
    await tracer.trace("t", (t) => t.setUser("a\u0000b").recordLLMCall({ model: "gpt-4o", prompt_tokens: 1 }));
    await tracer.flush();
    assert.equal(mem.spans()[0].user_id, "a\uFFFDb");
    await tracer.shutdown();
  });

  test("on the wire: POST /spans fields for calls, OTLP attributes for grouping spans; the server reads both back", async () => {
    const { mem, tracer } = quiet();
    await tracer.trace("turn", () => tracer.span("call", (s) => s.recordLLMCall({ model: "gpt-4o" })), {
      sessionId: "conv-5",
      userId: "u-5",
    });
    await tracer.flush();
    const [call, root] = mem.spans();
    const wire = toWireSpan(call);
    assert.deepEqual([wire.session_id, wire.user_id], ["conv-5", "u-5"]);
    const [parsed] = parseSpans([wire], { now: call.ended_at, qualityKey: "eval.score", price: () => null });
    assert.deepEqual([parsed.session_id, parsed.user_id], ["conv-5", "u-5"]);
    const none = toWireSpan({ ...call, session_id: null, user_id: null });
    assert.ok(!("session_id" in none) && !("user_id" in none), "left out when null");
    const [otlp] = readExportRequest(JSON.parse(toOtlpBody([toWireSpan(root)])));
    const mapped = mapSpan(otlp).input;
    assert.deepEqual([mapped.session_id, mapped.user_id, mapped.attributes], ["conv-5", "u-5", {}]);
    await tracer.shutdown();
  });
});
