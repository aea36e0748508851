// Every request the ingest queue counts as arriving stops counting once it is answered or
// dropped: a leak would make the queue expect spans that never come and refuse every request.
import assert from "node:assert/strict";
import { connect } from "node:net";
import { test } from "node:test";
import { testConfig } from "../config/testing/config.js";
import { buildApp } from "../server/app.js";
import { createRuntime } from "../server/runtime.js";
import { FIXED_NOW, SEED_SPAN } from "../server/testing/app.js";
import { createFakeStore } from "../store/testing/fake-store.js";

test("arrivals end with every request: accepted, refused as malformed or invalid, or dropped mid-body", async () => {
  const runtime = await createRuntime(testConfig({}, { ingest: { max_future_ms: 7 * 86_400_000 } }), {
    store: createFakeStore(),
    now: () => FIXED_NOW,
  });
  let open = 0;
  const arrive = runtime.ingest.arrive;
  runtime.ingest.arrive = () => {
    const arrived = arrive();
    open++;
    let here = true;
    return () => {
      if (here) open--;
      here = false;
      arrived();
    };
  };
  const app = await buildApp(runtime);
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as { port: number };
  const post = (body: string, path = "/spans") =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    }).then((r) => r.status);
  try {
    const statuses = await Promise.all([
      ...Array.from({ length: 5 }, () => post(JSON.stringify([SEED_SPAN]))),
      ...Array.from({ length: 5 }, () => post('[{"model": "gpt-4o",')),
      ...Array.from({ length: 3 }, () => post(JSON.stringify([{ model: "gpt-4o", prompt_tokens: -1 }]))),
      ...Array.from({ length: 3 }, () => post("{", "/v1/traces")),
    ]);
    assert.deepEqual(statuses.sort(), [...Array(5).fill(202), ...Array(11).fill(400)]);
    // Two clients that go away halfway through their body.
    for (let i = 0; i < 2; i++) {
      await new Promise<void>((resolve) => {
        const s = connect(port, "127.0.0.1", () => {
          s.write(
            `POST /spans HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n[{"mo`,
          );
          setTimeout(() => {
            s.destroy();
            resolve();
          }, 100);
        });
      });
    }
    for (let i = 0; i < 100 && open > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(open, 0, "requests still counted as arriving");
    assert.equal(await post(JSON.stringify([SEED_SPAN])), 202);
  } finally {
    await app.close();
    await runtime.close();
  }
});
