import assert from "node:assert/strict";
import { test } from "node:test";
import { createRedactor } from "./redact.js";
import { CORPUS } from "./testing/corpus.js";
import type { PresetName } from "./types.js";

interface Score {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  wrong: string[];
}

/** Runs each preset on its corpus items: a hit must vanish behind the marker, a near-miss must stay as is. */
export function scoreCorpus(): Map<PresetName, Score> {
  const out = new Map<PresetName, Score>();
  for (const item of CORPUS) {
    const s = out.get(item.preset) ?? { tp: 0, fp: 0, fn: 0, tn: 0, wrong: [] };
    out.set(item.preset, s);
    const r = createRedactor([item.preset]).text(item.text);
    if (item.hit === null) {
      if (r.count > 0) {
        s.fp++;
        s.wrong.push(item.text);
      } else s.tn++;
    } else if (
      r.count === 1 &&
      !r.text.includes(item.hit) &&
      r.text === item.text.replace(item.hit, `[REDACTED:${item.preset === "secrets" ? "secret" : item.preset}]`)
    ) {
      s.tp++;
    } else {
      s.fn++;
      s.wrong.push(item.text);
    }
  }
  return out;
}

test("the presets get every corpus item right except the documented limits", () => {
  const wrong = [...scoreCorpus().values()].flatMap((s) => s.wrong);
  assert.deepEqual(
    wrong,
    CORPUS.filter((i) => i.limit).map((i) => i.text),
  );
});

// The figures docs/content.md quotes: update both together.
const DOCUMENTED: Record<PresetName, { precision: number; recall: number }> = {
  secrets: { precision: 1, recall: 0.917 },
  credit_card: { precision: 0.8, recall: 1 },
  email: { precision: 0.8, recall: 1 },
  phone: { precision: 0.8, recall: 0.8 },
  ip: { precision: 0.8, recall: 1 },
};

test("precision and recall per preset on the corpus are the documented ones", () => {
  const got: Record<string, { precision: number; recall: number }> = {};
  for (const [preset, s] of scoreCorpus()) {
    const round = (x: number) => Math.round(x * 1000) / 1000;
    got[preset] = { precision: round(s.tp / (s.tp + s.fp)), recall: round(s.tp / (s.tp + s.fn)) };
  }
  assert.deepEqual(got, DOCUMENTED);
});

test("each preset has hits and near-misses in the corpus", () => {
  for (const [preset, s] of scoreCorpus()) {
    assert.ok(s.tp >= 4, preset);
    assert.ok(CORPUS.filter((i) => i.preset === preset && i.hit === null).length >= 4, preset);
  }
});

test("custom rules and the function hook run after the presets and are counted", () => {
  const r = createRedactor(["email", { pattern: /cust-\d+/i, replacement: "[CUSTOMER]" }], (t) =>
    t.replaceAll("Acme", "[ORG]"),
  );
  assert.deepEqual(r.text("Acme: CUST-42 wrote from a@b.io and cust-7"), {
    text: "[ORG]: [CUSTOMER] wrote from [REDACTED:email] and [CUSTOMER]",
    count: 4,
  });
  assert.deepEqual(r.text("nothing"), { text: "nothing", count: 0 });
});

test("value() redacts every string of the content but not roles and part types", () => {
  const r = createRedactor(["email"]);
  const { value, count } = r.value({
    input: [{ role: "user", parts: [{ type: "text", content: "a@b.io" }] }],
    output: [
      { role: "assistant", parts: [{ type: "tool_call", name: "mail", arguments: { to: "c@d.io", cc: ["e@f.io"] } }] },
    ],
  });
  assert.equal(count, 3);
  assert.deepEqual(value, {
    input: [{ role: "user", parts: [{ type: "text", content: "[REDACTED:email]" }] }],
    output: [
      {
        role: "assistant",
        parts: [{ type: "tool_call", name: "mail", arguments: { to: "[REDACTED:email]", cc: ["[REDACTED:email]"] } }],
      },
    ],
  });
});

test("a second pass finds nothing: markers are never redacted again", () => {
  const r = createRedactor(["secrets", "credit_card", "email", "ip", "phone"]);
  for (const item of CORPUS) {
    const once = r.text(item.text).text;
    assert.deepEqual(r.text(once), { text: once, count: 0 }, item.text);
  }
});
