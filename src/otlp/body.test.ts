import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { BodyError, readBody } from "./body.js";

/** A request stream delivering `buf` in 64 KiB chunks, as a socket would. */
function stream(buf: Buffer): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += 65536) chunks.push(buf.subarray(i, i + 65536));
  return Readable.from(chunks);
}

async function rejection(p: Promise<unknown>): Promise<BodyError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof BodyError, String(err));
    return err;
  }
  assert.fail("expected a BodyError");
}

test("an identity body is read whole", async () => {
  const body = Buffer.from("x".repeat(200_000));
  const out = await readBody(stream(body), { encoding: undefined, limit: 200_000 });
  assert.equal(out.length, 200_000);
  assert.ok(out.equals(body));
});

test("a gzip body is inflated, whatever the header's case", async () => {
  const body = Buffer.from(JSON.stringify({ resourceSpans: [] }));
  const out = await readBody(stream(gzipSync(body)), { encoding: "GZIP", limit: 1000 });
  assert.equal(out.toString(), body.toString());
});

test("a body one byte over the limit is refused", async () => {
  const err = await rejection(readBody(stream(Buffer.alloc(1001)), { encoding: "identity", limit: 1000 }));
  assert.equal(err.kind, "too_large");
  assert.match(err.message, /exceeds max_body_bytes \(1000 bytes\)/);
});

test("the limit applies after decompression: a small gzip body that inflates past it is refused", async () => {
  const limit = 100_000;
  const packed = gzipSync(Buffer.alloc(limit + 1));
  assert.ok(packed.length < limit);
  const err = await rejection(readBody(stream(packed), { encoding: "gzip", limit }));
  assert.equal(err.kind, "too_large");
  assert.match(err.message, /after gzip decompression/);
});

test("a gzip bomb is abandoned without inflating it whole", async () => {
  const limit = 1024 * 1024;
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024)); // 64 MiB of zeros in about 64 KiB
  const err = await rejection(readBody(stream(bomb), { encoding: "gzip", limit }));
  assert.equal(err.kind, "too_large");
  // at most the limit plus one zlib output chunk (16 KiB) was produced, not 64 MiB
  assert.ok(err.produced <= limit + 16 * 1024, `inflated ${err.produced} bytes`);
});

test("a corrupt or truncated gzip body is bad_gzip", async () => {
  const corrupt = await rejection(readBody(stream(Buffer.from("not gzip at all")), { encoding: "gzip", limit: 1000 }));
  assert.equal(corrupt.kind, "bad_gzip");
  const packed = gzipSync(Buffer.from("a".repeat(5000)));
  const truncated = await rejection(
    readBody(stream(packed.subarray(0, packed.length - 10)), { encoding: "gzip", limit: 10_000 }),
  );
  assert.equal(truncated.kind, "bad_gzip");
});

test("an encoding other than gzip or identity is refused before reading", async () => {
  const err = await rejection(readBody(stream(Buffer.from("{}")), { encoding: "br", limit: 1000 }));
  assert.equal(err.kind, "bad_encoding");
  assert.match(err.message, /"br" is not supported/);
});

test("a client that hangs up mid-body ends the read instead of leaving it waiting", async () => {
  const source = new Readable({ read() {} });
  const reading = readBody(source, { encoding: "gzip", limit: 1000 });
  source.push(gzipSync(Buffer.from("partial")).subarray(0, 5));
  source.destroy();
  await assert.rejects(reading, /closed the connection/);
});
