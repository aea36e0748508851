import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "./errors.js";
import { parseConfig } from "./load.js";

function problems(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(text, {
      env,
      flags: {},
      validateRule: (rule: unknown) => ({ ok: true as const, rule }),
      file: "tokentrace.yml",
    });
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.where} ${p.path}: ${p.message}`);
    throw e;
  }
}

test("metrics.dimensions and max_dimension_values are read, with defaults", () => {
  const c = parseConfig("metrics:\n  dimensions: [workflow, tenant]\n  max_dimension_values: 50\n", {
    env: {},
    flags: {},
    validateRule: (rule: unknown) => ({ ok: true as const, rule }),
    file: "tokentrace.yml",
  });
  assert.deepEqual(c.metrics, {
    dimensions: ["workflow", "tenant"],
    max_dimension_values: 50,
    max_groups: 100,
    max_series_groups: 20,
  });
  const d = parseConfig("service: x\n", {
    env: {},
    flags: {},
    validateRule: (rule: unknown) => ({ ok: true as const, rule }),
    file: "tokentrace.yml",
  });
  assert.deepEqual(d.metrics, { dimensions: [], max_dimension_values: 1000, max_groups: 100, max_series_groups: 20 });
  const e = parseConfig("", {
    env: { TOKENTRACE_METRICS_DIMENSIONS: "workflow, tier" },
    flags: {},
    validateRule: (rule: unknown) => ({ ok: true as const, rule }),
    file: "t.yml",
  });
  assert.deepEqual(e.metrics.dimensions, ["workflow", "tier"]);
});

test("a dimension naming a built-in field or an invalid key is an error at its file:line:col", () => {
  assert.deepEqual(problems("metrics:\n  dimensions: [workflow, model]\n"), [
    'tokentrace.yml:2:15 metrics.dimensions: "model" is a built-in span field, not an attribute: group by it directly',
  ]);
  assert.deepEqual(problems('metrics:\n  dimensions:\n    - "user id"\n'), [
    'tokentrace.yml:3:5 metrics.dimensions: "user id" is not an attribute key (1-128 characters, no spaces)',
  ]);
  assert.deepEqual(problems("metrics:\n  dimensions: [a, a]\n  max_dimension_values: 0\n"), [
    'tokentrace.yml:2:15 metrics.dimensions: "a" is listed twice',
    "tokentrace.yml:3:25 metrics.max_dimension_values: must be an integer >= 1",
  ]);
});

test("user_id and session_id in metrics.dimensions (older docs): accepted, left out, one warning at their line", () => {
  const warnings: string[] = [];
  const read = (text: string, env: NodeJS.ProcessEnv = {}) =>
    parseConfig(text, {
      env,
      flags: {},
      validateRule: (rule: unknown) => ({ ok: true as const, rule }),
      file: "tokentrace.yml",
      onWarning: (w) => warnings.push(w),
    }).metrics.dimensions;
  assert.deepEqual(read("metrics:\n  dimensions: [workflow, user_id]\n"), ["workflow"]);
  assert.deepEqual(warnings, [
    "tokentrace.yml:2:15 metrics.dimensions: user_id is a span field now, not an attribute dimension: ignored here (filter and group by it directly); remove it from the list",
  ]);
  warnings.length = 0;
  assert.deepEqual(read("", { TOKENTRACE_METRICS_DIMENSIONS: "session_id,user_id" }), []);
  assert.deepEqual(warnings, [
    "environment variable TOKENTRACE_METRICS_DIMENSIONS metrics.dimensions: session_id and user_id are span fields now, not attribute dimensions: ignored here (filter and group by them directly); remove them from the list",
  ]);
  assert.deepEqual(problems("metrics:\n  dimensions: [user_id, user_id]\n"), [
    'tokentrace.yml:2:15 metrics.dimensions: "user_id" is listed twice',
  ]);
});
