import assert from "node:assert/strict";
import { test } from "node:test";
import { PRESETS } from "./presets.js";
import { CORPUS } from "./testing/corpus.js";

// Texts with matches in odd places: at the start and end, next to punctuation, in JSON.
const EXTRA = [
  ...CORPUS.map((i) => i.text),
  ...CORPUS.map((i) => `"${i.text}"\n(${i.text}),${i.text}.`),
  "mail me:a.b@c.io, (+44) 20 7946 0958 or +1 (415) 555-0134; 10.0.0.1:8080 and [2001:db8::1]:443",
  "::1 fe80::1%eth0 2001:0db8:85a3:0000:0000:8a2e:0370:7334 1:2:3:4:5:6:7:8",
  "4111-1111-1111-1111 5500 0000 0000 0004 378282246310005",
  '{"aws_secret_key":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"} AWS_SECRET=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
];

/** Whether the pattern alone (no hint) replaces something in the text. */
function redactsSomething(p: (typeof PRESETS)["secrets"][number], text: string): boolean {
  p.re.lastIndex = 0;
  for (const m of text.matchAll(p.re)) if (p.accept === undefined || p.accept(m[0])) return true;
  return false;
}

test("every hint passes every text its pattern redacts something in, so hints never change a result", () => {
  const texts = [...EXTRA];
  let checked = 0;
  for (const [name, patterns] of Object.entries(PRESETS)) {
    patterns.forEach((p, k) => {
      if (p.hint === undefined) return;
      for (const t of texts) {
        if (!redactsSomething(p, t)) continue;
        checked++;
        assert.ok(p.hint(t), `${name}[${k}] hint refuses a text its pattern redacts: ${JSON.stringify(t)}`);
      }
    });
  }
  assert.ok(checked > 50, `only ${checked} texts exercised the hints`);
});
