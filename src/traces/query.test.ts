import assert from "node:assert/strict";
import { test } from "node:test";
import { parseTraceQuery } from "./query.js";

test("defaults: limit 20, offset 0, no filters", () => {
  assert.deepEqual(parseTraceQuery({}), { limit: 20, offset: 0 });
});

test("reads every filter", () => {
  assert.deepEqual(
    parseTraceQuery({
      "attr.request_id": "abc123",
      "attr.eval.score": "0.9",
      model: "gpt-4o",
      caller: "svc",
      provider: "openai",
      status: "error",
      since: "2026-03-15T14:00:00Z",
      until: "2026-03-15T16:00:00.5+01:00",
      limit: "50",
      offset: "100",
    }),
    {
      limit: 50,
      offset: 100,
      model: "gpt-4o",
      caller: "svc",
      provider: "openai",
      status: "error",
      since: Date.UTC(2026, 2, 15, 14),
      until: Date.UTC(2026, 2, 15, 15, 0, 0, 500),
      attrs: { request_id: "abc123", "eval.score": "0.9" },
    },
  );
});

test("limit 200 is the maximum", () => {
  assert.equal(parseTraceQuery({ limit: "200" }).limit, 200);
});

const bad: [Record<string, unknown>, RegExp][] = [
  [{ limit: "201" }, /limit must be between 1 and 200, got 201/],
  [{ limit: "0" }, /limit must be between 1 and 200/],
  [{ limit: "2.5" }, /limit must be an integer/],
  [{ limit: "ten" }, /limit must be an integer/],
  [{ limit: "-1" }, /limit must be an integer/],
  [{ limit: "" }, /limit must be an integer/],
  [{ offset: "-5" }, /offset must be an integer >= 0/],
  [{ offset: "1e3" }, /offset must be an integer/],
  [{ offset: "1001" }, /offset may be at most 1000, got 1001; page deeper with cursor/],
  [{ offset: "100000" }, /offset may be at most 1000/],
  [{ offset: "0", cursor: "eyJ2IjoxLCJzIjowLCJ0IjoiYSJ9" }, /cursor and offset cannot be combined/],
  [{ cursor: "not a cursor" }, /cursor is not valid/],
  [{ cursor: "e30" }, /cursor is not valid/],
  [{ cursor: Buffer.from('{"v":2,"s":1,"t":"a"}').toString("base64url") }, /cursor is not valid/],
  [{ cursor: Buffer.from('{"v":1,"s":"1","t":"a"}').toString("base64url") }, /cursor is not valid/],
  [{ status: "failed" }, /status must be one of ok, error, timeout/],
  [{ since: "yesterday" }, /since must be an RFC 3339 timestamp/],
  [{ until: "2026-02-30T00:00:00Z" }, /until must be an RFC 3339 timestamp/],
  [{ since: "1710511381000" }, /since must be an RFC 3339/],
  [{ model: ["a", "b"] }, /model may be given only once/],
  [{ "attr.": "x" }, /attr\. needs a key/],
  [{ modle: "gpt-4o" }, /unknown query parameter "modle"/],
];
for (const [query, pattern] of bad) {
  test(`400 invalid_query for ${JSON.stringify(query)}`, () => {
    assert.throws(
      () => parseTraceQuery(query),
      (err: unknown) => {
        assert.equal((err as { code?: string }).code, "invalid_query");
        assert.equal((err as { status?: number }).status, 400);
        assert.match((err as Error).message, pattern);
        return true;
      },
    );
  });
}

test("/traces?attr.__proto__=x dropped the filter (finding): attr.__proto__ is a filter like any other", () => {
  const q = parseTraceQuery({ "attr.__proto__": "x", "attr.constructor": "y" });
  assert.deepEqual(Object.entries(q.attrs ?? {}), [
    ["__proto__", "x"],
    ["constructor", "y"],
  ]);
});
