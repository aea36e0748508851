import assert from "node:assert/strict";
import { test } from "node:test";
import { testConfig } from "../config/testing/config.js";
import { summarize } from "./check-config.js";

const authPart = (lines: string[]) => /auth (on \([^)]*\)|on|off)/.exec(lines[1])?.[1];

test("check-config says whether auth is on and how many scoped tokens there are, never a token", () => {
  assert.equal(authPart(summarize(testConfig())), "off");
  assert.equal(authPart(summarize(testConfig({ auth_token: "tok-admin-9f4" }))), "on");
  const scoped = testConfig(
    {},
    {
      auth: {
        tokens: [
          { token: "tok-ingest-9f1", scope: "ingest" },
          { token: "tok-read-9f2", scope: "read" },
          { token: "tok-read-9f3", scope: "read" },
        ],
      },
    },
  );
  const lines = summarize(scoped);
  assert.equal(authPart(lines), "on (3 scoped tokens: ingest, read)");
  assert.ok(!lines.join("\n").includes("tok-"));
});
