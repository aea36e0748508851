// `tokentrace serve` as a real process with rules in tokentrace.yml: a config rule fires
// once against posted spans, and a restart inside its cooldown does not deliver again.
// The clock is real here, so the test waits on events (the receiver's request, the rule's
// next evaluation) with eval_interval 200ms, never on fixed sleeps.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Receiver, startReceiver } from "../../src/alerts/testing/receiver.js";
import { makeTempDir, removeDir, type ServeProcess, startServe, writeConfig } from "./helpers/server.js";

let dir: string;
let rx: Receiver;
const running: ServeProcess[] = [];

before(async () => {
  dir = await makeTempDir("tokentrace-alerts-proc-");
  rx = await startReceiver();
});
after(async () => {
  for (const p of running) await p.kill();
  await rx.close();
  await removeDir(dir);
});

async function serve(args: string[]): Promise<ServeProcess> {
  const p = await startServe({ dataDir: dir, args });
  running.push(p);
  return p;
}

interface RuleRow {
  name: string;
  source: string;
  firing: boolean;
  last_evaluated: string | null;
  last_fired: string | null;
}

async function rules(p: ServeProcess): Promise<RuleRow[]> {
  return (await (await fetch(`${p.url}/alerts`)).json()) as RuleRow[];
}

/** Resolves once `check` holds, re-checking on the next turn of the event loop until the test times out. */
async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 50));
}

test("a config rule fires once and a restart inside its cooldown does not deliver again", {
  timeout: 60_000,
}, async () => {
  const file = await writeConfig(
    dir,
    `alerts:
  eval_interval: 200ms
  rules:
    - name: any-errors
      metric: error_count
      op: gte
      threshold: 1
      window: 1h
      cooldown: 1h
      delivery:
        type: http
        url: ${rx.url}/hook
`,
  );
  const first = await serve(["--config", file]);
  const span = { model: "gpt-4o", prompt_tokens: 10, comp_tokens: 5, status: "error", caller: "e2e" };
  const posted = await fetch(`${first.url}/spans`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify([span]),
  });
  assert.equal(posted.status, 202);
  await until(() => rx.received.length >= 1);
  const [row] = await rules(first);
  assert.equal(row.source, "config");
  assert.equal(row.firing, true);
  assert.notEqual(row.last_fired, null);
  assert.equal((await first.stop()).code, 0);

  const restartedAt = new Date().toISOString();
  const second = await serve(["--config", file]);
  // two evaluations after the restart, both inside the cooldown
  let evaluations = 0;
  let seen: string | null = null;
  await until(async () => {
    const [r] = await rules(second);
    if (r.last_evaluated !== null && r.last_evaluated > restartedAt && r.last_evaluated !== seen) {
      seen = r.last_evaluated;
      evaluations++;
    }
    return evaluations >= 2;
  });
  await second.stop();
  assert.equal(rx.received.length, 1, "exactly one delivery across the restart");
  assert.equal((rx.received[0].body as { status: string }).status, "firing");
});

test("an invalid config rule stops the server at start, naming the rule, field and line", {
  timeout: 60_000,
}, async () => {
  const file = await writeConfig(
    dir,
    `alerts:
  rules:
    - name: bad-op
      metric: total_cost
      op: over
      threshold: 10
      window: 1h
`,
  );
  await assert.rejects(serve(["--config", file]), (err: Error) => {
    assert.match(err.message, /exited \(code 1/);
    assert.match(
      err.message,
      /tokentrace\.yml:5:\d+:? alerts\.rules\[0\]\.op: must be one of gt, gte, lt, lte, eq, ne/,
    );
    return true;
  });
});
