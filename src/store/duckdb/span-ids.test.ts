import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { span } from "../testing/conformance-fixtures.js";
import { textStarts } from "./append.js";
import { DuckDbStore } from "./driver.js";
import { encodeSpans } from "./protocol.js";
import { idHashes, SpanIdFilter } from "./span-ids.js";

test("a file whose spans have no id_hash (written before it) gets it at start, and keeps spans once", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tokentrace-span-ids-"));
  try {
    const path = join(dir, "s.duckdb");
    const spans = Array.from({ length: 300 }, () => span());
    let s = await DuckDbStore.open(path);
    await s.insert(spans);
    await s.close();
    // as an older version left it
    const inst = await DuckDBInstance.create(path);
    const c = await inst.connect();
    await c.run("UPDATE spans SET id_hash = NULL");
    c.closeSync();
    inst.closeSync();
    s = await DuckDbStore.open(path);
    try {
      await s.insert([...spans.slice(0, 100), span()]);
      assert.equal(await s.countSpans(), 301);
      assert.deepEqual(await s.all("SELECT count(*) AS n FROM spans WHERE id_hash IS NULL", []), [{ n: 0 }]);
    } finally {
      await s.close();
    }
    // the hashes written back are those an insert computes
    s = await DuckDbStore.open(path);
    try {
      const [row] = await s.all("SELECT id_hash FROM spans WHERE span_id = $1", [spans[7].span_id]);
      const b = encodeSpans([spans[7]]).batch;
      const w = idHashes(b, textStarts(b));
      assert.equal(BigInt(row.id_hash as number) >> 32n, BigInt(w[1]));
    } finally {
      await s.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("the id filter: no false negatives, and false positives near the designed rate", async () => {
  const f = new SpanIdFilter();
  const make = (n: number, tag: string) =>
    encodeSpans(Array.from({ length: n }, (_, i) => span({ trace_id: `${tag}-${i}`, span_id: `${i}` }))).batch;
  const stored = make(20_000, "stored");
  f.addHashes(idHashes(stored, textStarts(stored)));
  const none = async () => new Set<string>();
  // every stored span is a possible hit; checked exactly, found, dropped
  const keep = await f.newSpans(stored, textStarts(stored), async (traces) => {
    assert.equal(traces.length, 20_000);
    return new Set(traces.map((t) => `${t}\u0000${t.split("-")[1]}`));
  });
  assert.equal(
    keep?.reduce((n, k) => n + k, 0),
    0,
  );
  // new spans: asked about only a few (false positives)
  let asked = 0;
  const fresh = make(50_000, "fresh");
  const kept = await f.newSpans(fresh, textStarts(fresh), async (traces) => {
    asked += traces.length;
    return none();
  });
  assert.equal(kept, null);
  assert.ok(asked < 20, `${asked} of 50,000 new spans needed the exact check`);
});
