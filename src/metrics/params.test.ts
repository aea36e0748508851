import assert from "node:assert/strict";
import { test } from "node:test";
import { parseFilter, parseGroupBy } from "./params.js";

test("filters: the GET /traces ones, attr.KEY values kept as strings", () => {
  assert.deepEqual(
    parseFilter(
      {
        model: "gpt-4o",
        caller: "svc",
        provider: "openai",
        status: "error",
        "attr.workflow": "chat",
        "attr.eval.score": "0.9",
        window: "1h",
      },
      ["window"],
    ),
    {
      model: "gpt-4o",
      caller: "svc",
      provider: "openai",
      status: "error",
      attrs: { workflow: "chat", "eval.score": "0.9" },
    },
  );
  assert.deepEqual(parseFilter({}, []), {});
});

test("bad filters are 400s naming the parameter", () => {
  assert.throws(
    () => parseFilter({ status: "failed" }, []),
    /^Error: status: "failed" is not one of ok, error, timeout$/,
  );
  assert.throws(() => parseFilter({ model: "" }, []), /model: must not be empty/);
  assert.throws(() => parseFilter({ model: ["a", "b"] }, []), /model: give it once/);
  assert.throws(() => parseFilter({ "attr.": "x" }, []), /attr\.: the attribute key is missing/);
  assert.throws(
    () => parseFilter({ modle: "x" }, ["window", "groupby"]),
    /modle: unknown query parameter; known: window, groupby, model/,
  );
});

test("groupby: built-in dimensions, attribute keys, attr.KEY", () => {
  assert.deepEqual(parseGroupBy({ groupby: "model" }), { groupBy: { column: "model" }, key: "by_model" });
  assert.deepEqual(parseGroupBy({ groupby: "status" }), { groupBy: { column: "status" }, key: "by_status" });
  assert.deepEqual(parseGroupBy({ groupby: "workflow" }), { groupBy: { attr: "workflow" }, key: "by_workflow" });
  assert.deepEqual(parseGroupBy({ groupby: "attr.eval.score" }), {
    groupBy: { attr: "eval.score" },
    key: "by_eval.score",
  });
  assert.equal(parseGroupBy({}), null);
  assert.throws(() => parseGroupBy({ groupby: "" }), /groupby: must name/);
});
