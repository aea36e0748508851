import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { normalizeSpanId, normalizeTraceId } from "./ids.js";

describe("ids", () => {
  test("trace ids: UUID or 32 hex → lowercase UUID", () => {
    assert.equal(normalizeTraceId("7F3A1C2B-E4D5-4F6A-8B9C-0D1E2F3A4B5C"), "7f3a1c2b-e4d5-4f6a-8b9c-0d1e2f3a4b5c");
    assert.equal(normalizeTraceId("7f3a1c2be4d54f6a8b9c0d1e2f3a4b5c"), "7f3a1c2b-e4d5-4f6a-8b9c-0d1e2f3a4b5c");
    for (const bad of ["", "7f3a1c2b", "7f3a1c2be4d54f6a8b9c0d1e2f3a4b5g", "7f3a1c2b-e4d5-4f6a-8b9c-0d1e2f3a4b5cx"]) {
      assert.equal(normalizeTraceId(bad), null, bad);
    }
    assert.equal(normalizeTraceId("b7ad6b7169203331"), null, "16 hex is a span id, not a trace id");
  });

  test("span ids also take 16 hex", () => {
    assert.equal(normalizeSpanId("B7AD6B7169203331"), "b7ad6b7169203331");
    assert.equal(normalizeSpanId("7f3a1c2be4d54f6a8b9c0d1e2f3a4b5c"), "7f3a1c2b-e4d5-4f6a-8b9c-0d1e2f3a4b5c");
    assert.equal(normalizeSpanId("b7ad6b716920333z"), null);
  });
});
