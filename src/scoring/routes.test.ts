import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { FIXED_NOW, makeTestApp, SEED_SPAN, type TestApp } from "../server/testing/app.js";
import { renderTrace } from "../traces/render.js";

const TRACE = "7f3a1c2b-e4d5-4f6a-8b9c-0d1e2f3a4b5c";
const NOW_ISO = new Date(FIXED_NOW).toISOString();
let t: TestApp;

const post = (payload: unknown) => t.app.inject({ method: "POST", url: "/scores", payload: payload as object });

async function postOk(payload: Record<string, unknown>): Promise<string> {
  const res = await post(payload);
  assert.equal(res.statusCode, 201, res.body);
  return (res.json() as { score_id: string }).score_id;
}

async function list(query = ""): Promise<Record<string, unknown>[]> {
  const res = await t.app.inject({ url: `/scores${query}` });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { scores: Record<string, unknown>[] }).scores;
}

before(async () => {
  t = await makeTestApp();
});
after(() => t.close());
beforeEach(async () => {
  await t.store.scores.deleteScoresBefore(Number.MAX_SAFE_INTEGER);
});

test("POST /scores: 201 with a generated id; GET /scores serves every field, created_at the receive time", async () => {
  const id = await postOk({ trace_id: TRACE, name: "helpfulness", value: 0.8 });
  assert.match(id, /^[0-9a-f-]{36}$/);
  assert.deepEqual(await list(), [
    {
      score_id: id,
      trace_id: TRACE,
      span_id: null,
      name: "helpfulness",
      value: 0.8,
      label: null,
      comment: null,
      source: "api",
      created_at: NOW_ISO,
    },
  ]);
});

test("POST /scores: ids in the forms POST /spans takes, booleans, labels, comments, sources; unknown fields ignored", async () => {
  const id = await postOk({
    trace_id: TRACE.replaceAll("-", "").toUpperCase(),
    span_id: "A1B2C3D4E5F60718",
    name: "user.thumbs:v2",
    value: false,
    comment: "wrong city — 要約",
    source: "human",
    id: "fb-42",
    extra: { ignored: true },
  });
  assert.equal(id, "fb-42");
  await postOk({ trace_id: TRACE, name: "topic", label: "billing", source: "llm" });
  const all = await list();
  const thumbs = all.find((s) => s.score_id === "fb-42");
  const topic = all.find((s) => s.score_id !== "fb-42") as Record<string, unknown>;
  assert.deepEqual(thumbs, {
    score_id: "fb-42",
    trace_id: TRACE,
    span_id: "a1b2c3d4e5f60718",
    name: "user.thumbs:v2",
    value: false,
    label: null,
    comment: "wrong city — 要約",
    source: "human",
    created_at: NOW_ISO,
  });
  assert.equal(topic.label, "billing");
  assert.equal(topic.value, null);
  assert.equal(topic.source, "llm");
});

test("POST /scores with an existing id replaces that score (a retry stores it once)", async () => {
  await postOk({ trace_id: TRACE, name: "helpfulness", value: 0.2, id: "eval-1" });
  await postOk({ trace_id: TRACE, name: "helpfulness", value: 0.2, id: "eval-1" });
  await postOk({ trace_id: TRACE, name: "helpfulness", value: 0.9, id: "eval-1", source: "llm" });
  const scores = await list();
  assert.equal(scores.length, 1);
  assert.equal(scores[0].value, 0.9);
  assert.equal(scores[0].source, "llm");
});

test("POST /scores: every bad field is a 400 naming it, and nothing is stored", async () => {
  const ok = { trace_id: TRACE, name: "helpfulness", value: 1 };
  const cases: [unknown, string][] = [
    [[ok, "x"], "scores[1].body:"],
    ["text", "body:"],
    [{ ...ok, trace_id: undefined }, "trace_id:"],
    [{ ...ok, trace_id: "abc" }, "trace_id:"],
    [{ ...ok, trace_id: 12 }, "trace_id:"],
    [{ ...ok, span_id: "xyz" }, "span_id:"],
    [{ ...ok, span_id: 7 }, "span_id:"],
    [{ ...ok, name: undefined }, "name:"],
    [{ ...ok, name: "" }, "name:"],
    [{ ...ok, name: "x".repeat(129) }, "name:"],
    [{ ...ok, name: "has space" }, "name:"],
    [{ ...ok, name: "é" }, "name:"],
    [{ ...ok, value: "1" }, "value:"],
    [{ ...ok, value: [1] }, "value:"],
    [{ ...ok, value: undefined }, "value:"],
    [{ ...ok, label: "good" }, "value:"],
    [{ ...ok, value: undefined, label: "" }, "label:"],
    [{ ...ok, value: undefined, label: "x".repeat(257) }, "label:"],
    [{ ...ok, value: undefined, label: 5 }, "label:"],
    [{ ...ok, value: undefined, label: "a\u0000b" }, "label:"],
    [{ ...ok, value: undefined, label: "a\ud800b" }, "label:"],
    [{ ...ok, comment: "x".repeat(4097) }, "comment:"],
    [{ ...ok, comment: "bad \udc00" }, "comment:"],
    [{ ...ok, comment: false }, "comment:"],
    [{ ...ok, source: "robot" }, "source:"],
    [{ ...ok, id: "" }, "id:"],
    [{ ...ok, id: "a/b" }, "id:"],
    [{ ...ok, id: "x".repeat(129) }, "id:"],
  ];
  for (const [body, field] of cases) {
    const res = await t.app.inject({
      method: "POST",
      url: "/scores",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify(body),
    });
    assert.equal(res.statusCode, 400, `${JSON.stringify(body).slice(0, 80)}: ${res.body}`);
    const err = (res.json() as { error: string }).error;
    assert.ok(err.startsWith(field), `${field} expected in ${err}`);
  }
  // the longest accepted values pass
  await postOk({ ...ok, name: "x".repeat(128), id: "y".repeat(128), comment: "z".repeat(4096) });
  await postOk({ ...ok, value: undefined, label: "l".repeat(256) });
  // NaN and Infinity are not JSON; a huge exponent parses to Infinity and is refused
  const inf = await t.app.inject({
    method: "POST",
    url: "/scores",
    headers: { "content-type": "application/json" },
    payload: `{"trace_id":"${TRACE}","name":"n","value":1e999}`,
  });
  assert.equal(inf.statusCode, 400);
  assert.match((inf.json() as { error: string }).error, /^value:/);
  assert.equal((await list()).length, 2);
});

test("DELETE /scores/{id}: 204, then 404 with the envelope", async () => {
  const id = await postOk({ trace_id: TRACE, name: "helpfulness", value: 1 });
  const del = await t.app.inject({ method: "DELETE", url: `/scores/${id}` });
  assert.equal(del.statusCode, 204);
  assert.equal(del.body, "");
  assert.deepEqual(await list(), []);
  for (const unknown of [id, "never-posted", "bad%20id"]) {
    const res = await t.app.inject({ method: "DELETE", url: `/scores/${unknown}` });
    assert.equal(res.statusCode, 404);
    assert.match((res.json() as { error: string }).error, /not found/);
  }
});

test("GET /scores filters by trace_id and name, newest first, within the window, limited", async () => {
  const other = "11111111-2222-4333-8444-555555555555";
  const at = async (ms: number, body: Record<string, unknown>) => {
    const app = await makeTestApp(undefined, () => ms);
    try {
      const res = await app.app.inject({ method: "POST", url: "/scores", payload: body });
      assert.equal(res.statusCode, 201);
      await t.store.scores.upsertScores(await app.store.scores.listScores({ since: 0, until: ms, limit: 10 }));
    } finally {
      await app.close();
    }
  };
  const H = 3_600_000;
  await at(FIXED_NOW - 3 * H, { trace_id: TRACE, name: "a", value: 1, id: "s1" });
  await at(FIXED_NOW - 2 * H, { trace_id: other, name: "a", value: 2, id: "s2" });
  await at(FIXED_NOW - H, { trace_id: TRACE, name: "b", value: 3, id: "s3" });
  await at(FIXED_NOW - 30 * H, { trace_id: TRACE, name: "a", value: 4, id: "s4" });
  const ids = async (q: string) => (await list(q)).map((s) => s.score_id);
  assert.deepEqual(await ids(""), ["s3", "s2", "s1"]);
  assert.deepEqual(await ids(`?trace_id=${TRACE}`), ["s3", "s1"]);
  assert.deepEqual(await ids(`?trace_id=${TRACE.replaceAll("-", "")}&name=a`), ["s1"]);
  assert.deepEqual(await ids("?name=a"), ["s2", "s1"]);
  assert.deepEqual(await ids("?window=90m"), ["s3"]);
  assert.deepEqual(await ids("?window=2d"), ["s3", "s2", "s1", "s4"]);
  assert.deepEqual(await ids("?limit=2"), ["s3", "s2"]);
  const bad: [string, RegExp][] = [
    ["?window=soon", /^window:/],
    ["?window=1h&window=2h", /^window:/],
    ["?limit=0", /^limit/],
    ["?limit=1001", /^limit/],
    ["?limit=ten", /^limit/],
    ["?trace_id=nope", /^trace_id:/],
    ["?name=has%20space", /^name:/],
    ["?nmae=a", /unknown query parameter "nmae"/],
    ["?session_id=", /^session_id: must be 1-256 characters$/],
    [`?session_id=${"x".repeat(257)}`, /^session_id: must be 1-256 characters$/],
  ];
  for (const [q, re] of bad) {
    const res = await t.app.inject({ url: `/scores${q}` });
    assert.equal(res.statusCode, 400, q);
    assert.match((res.json() as { error: string }).error, re, q);
  }
});

test("GET /scores?session_id=: the scores of the session's traces", async () => {
  const inSession = "33333333-4444-4555-8666-777777777777";
  const res = await t.app.inject({
    method: "POST",
    url: "/spans",
    payload: { trace_id: inSession, model: "gpt-4o", prompt_tokens: 5, session_id: "conv-7" },
  });
  assert.equal(res.statusCode, 202, res.body);
  await postOk({ trace_id: inSession, name: "thumbs", value: true, id: "in-1" });
  await postOk({ trace_id: TRACE, name: "thumbs", value: false, id: "out-1" });
  assert.deepEqual(
    (await list("?session_id=conv-7")).map((s) => s.score_id),
    ["in-1"],
  );
  assert.deepEqual(await list("?session_id=conv-8"), []);
});

test("GET /traces/{id}: the trace's scores, oldest first, also for a score sent before the trace", async () => {
  const trace = "22222222-3333-4444-8555-666666666666";
  await postOk({ trace_id: trace, name: "early", value: true, id: "z-first" });
  assert.equal((await t.app.inject({ url: `/traces/${trace}` })).statusCode, 404);
  const spans = await t.app.inject({ method: "POST", url: "/spans", payload: [{ ...SEED_SPAN, trace_id: trace }] });
  assert.equal(spans.statusCode, 202);
  await postOk({ trace_id: trace, name: "late", label: "fine", id: "a-second" });
  await postOk({ trace_id: TRACE, name: "elsewhere", value: 1 });
  const res = await t.app.inject({ url: `/traces/${trace}` });
  assert.equal(res.statusCode, 200);
  const body = res.json() as Record<string, unknown> & { scores: { score_id: string }[] };
  // same created_at: ordered by id
  assert.deepEqual(
    body.scores.map((s) => s.score_id),
    ["a-second", "z-first"],
  );
  // every other field as before, scores last
  const { scores: _, ...seedFields } = body;
  assert.deepEqual(seedFields, JSON.parse(JSON.stringify(renderTrace(await t.store.getTrace(trace)))));
  assert.equal(Object.keys(body).at(-1), "scores");
  // with content too
  const withContent = await t.app.inject({ url: `/traces/${trace}?content=1` });
  assert.equal((withContent.json() as { scores: unknown[] }).scores.length, 2);
});

test("POST /scores: a failed commit is a 503 store_unavailable and the client may retry", async () => {
  const real = t.store.scores.upsertScores.bind(t.store.scores);
  t.store.scores.upsertScores = async () => {
    throw new Error("disk full");
  };
  try {
    const res = await post({ trace_id: TRACE, name: "n", value: 1, id: "retry-me" });
    assert.equal(res.statusCode, 503);
    assert.ok(typeof (res.json() as { error: string }).error === "string");
  } finally {
    t.store.scores.upsertScores = real;
  }
  assert.deepEqual(await list(), []);
  await postOk({ trace_id: TRACE, name: "n", value: 1, id: "retry-me" });
  assert.equal((await list()).length, 1);
});

test("POST /scores with an array: all stored in one commit (201 score_ids), or none with the bad index named", async () => {
  const ok = await post([
    { trace_id: TRACE, name: "thumbs", value: true, id: "batch-1" },
    { trace_id: TRACE, name: "judge", label: "fine" },
  ]);
  assert.equal(ok.statusCode, 201, ok.body);
  const { score_ids } = ok.json() as { score_ids: string[] };
  assert.equal(score_ids.length, 2);
  assert.equal(score_ids[0], "batch-1");
  assert.deepEqual((await list()).map((s) => s.score_id).sort(), [...score_ids].sort());

  const bad = await post([
    { trace_id: TRACE, name: "thumbs", value: true, id: "batch-2" },
    { trace_id: TRACE, name: "has space", value: 1 },
  ]);
  assert.equal(bad.statusCode, 400);
  assert.match((bad.json() as { error: string }).error, /^scores\[1\]\.name: /);
  assert.equal((await list()).length, 2, "nothing of the refused array is stored");

  const empty = await post([]);
  assert.equal(empty.statusCode, 400);
  assert.equal((empty.json() as { error: string }).error, "body: an empty array holds no score");
  const tooMany = await post(Array.from({ length: 1001 }, () => ({ trace_id: TRACE, name: "n", value: 1 })));
  assert.equal(tooMany.statusCode, 413);
  assert.match(
    (tooMany.json() as { error: string }).error,
    /^1001 scores in one request; http_server.max_batch_size is 1000$/,
  );
});
