import assert from "node:assert/strict";
import { test } from "node:test";
import { parseAddr } from "./addr.js";

test("parseAddr reads Go-style host:port", () => {
  assert.deepEqual(parseAddr(":9090"), { host: "0.0.0.0", port: 9090 });
  assert.deepEqual(parseAddr("127.0.0.1:0"), { host: "127.0.0.1", port: 0 });
  assert.deepEqual(parseAddr("localhost:8080"), { host: "localhost", port: 8080 });
  assert.deepEqual(parseAddr("[::1]:9090"), { host: "::1", port: 9090 });
  for (const bad of ["9090", "host", ":", ":99999", "a:b", "1.2.3.4:80:90", ""])
    assert.equal(parseAddr(bad), null, bad);
});
