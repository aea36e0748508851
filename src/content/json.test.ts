import assert from "node:assert/strict";
import { test } from "node:test";
import { jsonBytes } from "./cap.js";
import { contentJson, contentJsonBytes, contentJsonFits, contentUtf8, rowFromJson } from "./json.js";
import type { ContentFields } from "./types.js";

const CASES: ContentFields[] = [
  { input: null, output: null, system: null, tools: null },
  {
    input: [{ role: "user", parts: [{ type: "text", content: 'résumé 要約 🚀 "quoted" \\ \n\t\u0001' }] }],
    output: [{ role: "assistant", parts: [{ type: "text", content: "ok" }], finish_reason: "stop" }],
    system: [{ type: "text", content: "be brief" }],
    tools: [{ type: "function", name: "f", parameters: { type: "object" } }],
  },
  { input: null, output: [{ role: "assistant", parts: [] }], system: null, tools: [] },
];

test("the bytes counted from the column texts are the bytes of the content's JSON", () => {
  for (const c of CASES) {
    const texts = contentJson(c);
    assert.deepEqual(
      texts,
      [c.input, c.output, c.system, c.tools].map((v) => (v === null ? null : JSON.stringify(v))),
    );
    assert.equal(contentJsonBytes(texts), jsonBytes(c));
    // "fits" is never claimed for content over the cap
    for (const max of [0, jsonBytes(c) - 1, jsonBytes(c), 3 * jsonBytes(c)]) {
      if (contentJsonFits(texts, max)) assert.ok(jsonBytes(c) <= max);
    }
    assert.ok(contentJsonFits(texts, 3 * JSON.stringify(c).length));
  }
});

test("texts kept for a row are the ones the store gets", () => {
  const input = '[{"role":"user","parts":[]}]';
  const system = '[{"type":"text","content":"é"}]';
  const kept: ReturnType<typeof contentJson> = [input, null, system, null];
  const made = rowFromJson({ span_id: "s1" }, kept);
  assert.deepEqual(contentJson(made), kept);
  const bytes = new TextEncoder().encode(input + system);
  assert.deepEqual(contentUtf8(made), { bytes, lengths: [input.length, -1, bytes.length - input.length, -1] });
  // the fields read back from the texts, as plain values
  assert.deepEqual(
    { ...made },
    {
      span_id: "s1",
      input: [{ role: "user", parts: [] }],
      output: null,
      system: [{ type: "text", content: "é" }],
      tools: null,
    },
  );
  const row = CASES[1];
  // a row without kept texts: made from its fields, in UTF-8 and back
  const copy = { ...row };
  const texts = [row.input, row.output, row.system, row.tools].map((v) => JSON.stringify(v));
  assert.deepEqual(contentJson(copy), texts);
  assert.equal(new TextDecoder().decode(contentUtf8(copy).bytes), texts.join(""));
  assert.deepEqual(
    contentUtf8(copy).lengths,
    texts.map((t) => new TextEncoder().encode(t).length),
  );
});
