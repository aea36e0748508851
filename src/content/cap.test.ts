import assert from "node:assert/strict";
import { test } from "node:test";
import { prng } from "../util/random.js";
import { capContent, jsonBytes } from "./cap.js";
import type { ContentFields } from "./types.js";

const text = (role: string, content: string) => ({ role, parts: [{ type: "text", content }] });
const fields = (input: ContentFields["input"], output: ContentFields["output"] = null): ContentFields => ({
  input,
  output,
  system: null,
  tools: null,
});

test("content under the cap is returned as is", () => {
  const f = fields([text("user", "hi")], [text("assistant", "hello")]);
  assert.deepEqual(capContent(f, 1000), { fields: f, truncated: 0 });
});

test("over the cap the longest strings are cut to one length, short ones stay whole", () => {
  const f = fields(
    [text("system", "be brief"), text("user", "a".repeat(10_000))],
    [text("assistant", "b".repeat(3000))],
  );
  const { fields: out, truncated } = capContent(f, 4000);
  assert.ok(jsonBytes(out) <= 4000, String(jsonBytes(out)));
  assert.ok(jsonBytes(out) > 3800, "uses the room it has");
  const [sys, user] = out.input ?? [];
  assert.deepEqual(sys, text("system", "be brief"));
  const u = (user.parts[0] as { content: string }).content;
  const a = ((out.output ?? [])[0].parts[0] as { content: string }).content;
  assert.match(u, /^a+…\[truncated \d+ bytes\]$/);
  assert.match(a, /^b+…\[truncated \d+ bytes\]$/);
  assert.equal(u.indexOf("…"), a.indexOf("…"), "cut to the same length");
  assert.equal(truncated, jsonBytes(f) - jsonBytes(out));
  // the input is not changed
  assert.equal(((f.input ?? [])[1].parts[0] as { content: string }).content.length, 10_000);
});

test("multi-byte text, escapes and surrogate pairs stay valid and within the cap", () => {
  const f = fields([text("user", '要約🚀"\n\\'.repeat(2000))]);
  const { fields: out } = capContent(f, 3000);
  assert.ok(jsonBytes(out) <= 3000);
  const s = ((out.input ?? [])[0].parts[0] as { content: string }).content;
  assert.equal(s, Buffer.from(s, "utf8").toString("utf8"), "no lone surrogate");
  assert.ok(s.startsWith("要約🚀"));
});

test("content whose shape alone is over the cap becomes one marker message", () => {
  const many = Array.from({ length: 2000 }, () => text("user", "x"));
  const { fields: out, truncated } = capContent(fields(many), 1000);
  const input = out.input ?? [];
  assert.equal(input.length, 1);
  assert.match((input[0].parts[0] as { content: string }).content, /over content.max_bytes \(1000\)/);
  assert.ok(truncated > 0);
});

test("property: any content is capped to at most max_bytes", () => {
  const rnd = prng(7);
  const pick = (s: string) => s[Math.floor(rnd() * s.length)];
  for (let run = 0; run < 200; run++) {
    const n = 1 + Math.floor(rnd() * 8);
    const msgs = Array.from({ length: n }, () => {
      const len = Math.floor(rnd() * 3000);
      return text(pick("ua"), Array.from({ length: len }, () => pick('ab"\\\né😀 ')).join(""));
    });
    const max = 500 + Math.floor(rnd() * 6000);
    const { fields: out } = capContent(fields(msgs), max);
    assert.ok(jsonBytes(out) <= max, `run ${run}: ${jsonBytes(out)} > ${max}`);
  }
});
