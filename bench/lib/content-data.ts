// Realistic chat content for the content benchmarks: a system prompt, a few turns of a
// support conversation with a tool call and its result, and an answer, ~N bytes in all.
// Some spans carry items the redaction presets catch (keys, emails, card and phone numbers)
// and near-misses they must leave (a Luhn-failing number, an email-like decorator).
import { prng } from "../../src/util/random.js";

const WORDS = (
  "the order shipped late because the warehouse was closed please refund the customer for " +
  "delivery tracking number parcel carrier invoice address account subscription renewal " +
  "weekend support ticket escalated priority resolved pending confirmation"
).split(" ");

function prose(r: () => number, len: number): string {
  let out = "";
  while (out.length < len) {
    const sentence: string[] = [];
    const n = 6 + Math.floor(r() * 10);
    for (let i = 0; i < n; i++) sentence.push(WORDS[Math.floor(r() * WORDS.length)]);
    out += `${sentence.join(" ")}. `;
  }
  return out.slice(0, len);
}

// One in ~8 spans has something redactable; the near-misses show up as often.
const SENSITIVE = [
  (r: () => number) => `my key is sk-proj-${Math.floor(r() * 1e16).toString(36)}Xa9bC0dE1fG2hI3jK4lM5nO6`,
  (r: () => number) => `write to jane.doe${Math.floor(r() * 1000)}@example.com`,
  () => "card 4111 1111 1111 1111 exp 12/29",
  () => "call me at +1 415-555-0134",
  () => "token ghp_0123456789abcdefghijABCDEFGHIJ012345",
  () => "from 203.0.113.42",
];
const NEAR_MISS = [
  () => "order id 1234 5678 9012 3456",
  () => "the @Injectable() decorator from @angular/core@17.2.0",
  () => "released on 2026-03-15 as version 4.12.3",
];

/**
 * The content fields of one span as POST /spans takes them, about `bytes` long in JSON.
 * Seeded: the same seed gives the same content.
 */
export function chatContent(bytes: number, seed: number): Record<string, unknown> {
  const r = prng(seed);
  const extra: string[] = [];
  if (r() < 0.125) extra.push(SENSITIVE[Math.floor(r() * SENSITIVE.length)](r));
  if (r() < 0.125) extra.push(NEAR_MISS[Math.floor(r() * NEAR_MISS.length)]());
  const body = Math.max(200, bytes - 900);
  return {
    system: "You are a support assistant for an online shop. Answer briefly and politely; use tools for order data.",
    input: [
      { role: "user", parts: [{ type: "text", content: `${prose(r, body * 0.35)} ${extra.join(" ")}`.trim() }] },
      {
        role: "assistant",
        parts: [{ type: "tool_call", id: `call_${seed}`, name: "lookup_order", arguments: { order_id: `A-${seed}` } }],
      },
      {
        role: "tool",
        parts: [
          {
            type: "tool_call_response",
            id: `call_${seed}`,
            response: { status: "delayed", carrier: "DHL", eta_days: 1 + (seed % 4) },
          },
        ],
      },
      { role: "user", parts: [{ type: "text", content: prose(r, body * 0.25) }] },
    ],
    output: [{ role: "assistant", parts: [{ type: "text", content: prose(r, body * 0.4) }], finish_reason: "stop" }],
  };
}
