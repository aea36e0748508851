import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { after, before, describe, test } from "node:test";
import { testConfig } from "../config/testing/config.js";
import { makeTestApp, type TestApp } from "../server/testing/app.js";

describe("dashboard files", () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(() => t.close());

  test("GET / is the page, with a same-origin content security policy", async () => {
    const res = await t.app.inject({ url: "/" });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers["content-type"], "text/html; charset=utf-8");
    assert.match(res.body, /<script type="module" src="ui\/js\/main\.js"><\/script>/);
    assert.match(String(res.headers["content-security-policy"]), /default-src 'self'/);
    assert.equal(res.headers["x-content-type-options"], "nosniff");
  });

  test("every file the page links to is served with its type", async () => {
    const page = (await t.app.inject({ url: "/" })).body;
    const links = [...page.matchAll(/(?:href|src)="(ui\/[^"]+)"/g)].map((m) => m[1]);
    assert.ok(links.length >= 7, links.join());
    for (const link of links) {
      const res = await t.app.inject({ url: `/${link}` });
      assert.equal(res.statusCode, 200, link);
      const type = link.endsWith(".js") ? "text/javascript" : link.endsWith(".css") ? "text/css" : "image/svg+xml";
      assert.ok(String(res.headers["content-type"]).startsWith(type), `${link}: ${res.headers["content-type"]}`);
    }
  });

  test("every path docs/dashboard.md lists is served (a * stands for each file of that folder)", async () => {
    const doc = readFileSync(new URL("../../docs/dashboard.md", import.meta.url), "utf8");
    const listed = [...doc.matchAll(/`(\/ui\/[^`]+)`/g)].map((m) => m[1]).filter((p) => !p.endsWith("..."));
    assert.ok(listed.length >= 5, listed.join());
    const staticDir = new URL("./static/", import.meta.url);
    for (const path of listed) {
      const paths = path.includes("*")
        ? readdirSync(new URL(path.slice(4, path.lastIndexOf("/") + 1), staticDir))
            .filter((f) => f.endsWith(path.slice(path.lastIndexOf("*") + 1)))
            .map((f) => `${path.slice(0, path.lastIndexOf("/") + 1)}${f}`)
        : [path];
      assert.ok(paths.length > 0, `${path} matches no file`);
      for (const p of paths) assert.equal((await t.app.inject({ url: p })).statusCode, 200, p);
    }
  });

  test("uPlot comes from the installed package, not a CDN", async () => {
    const res = await t.app.inject({ url: "/ui/vendor/uPlot.esm.js" });
    assert.equal(res.statusCode, 200);
    const file = createRequire(import.meta.url).resolve("uplot/dist/uPlot.esm.js");
    assert.equal(res.body, readFileSync(file, "utf8"));
    const page = (await t.app.inject({ url: "/" })).body;
    assert.doesNotMatch(page, /https?:\/\//);
  });

  test("an unknown or escaping path is a 404 in the error envelope", async () => {
    for (const url of ["/ui/nope.js", "/ui/../package.json", "/ui/%2e%2e/%2e%2e/package.json", "/ui/"]) {
      const res = await t.app.inject({ url });
      assert.equal(res.statusCode, 404, url);
      assert.equal(typeof res.json().error, "string", url);
    }
  });

  test("API paths are untouched by the dashboard", async () => {
    assert.equal((await t.app.inject({ url: "/health" })).json().status, "ok");
    assert.equal((await t.app.inject({ url: "/traces/nope" })).statusCode, 404);
  });
});

describe("dashboard files with auth_token set", () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp(testConfig({ auth_token: "s3cret" }));
  });
  after(() => t.close());

  test("the page and its files need no token; the API still does", async () => {
    assert.equal((await t.app.inject({ url: "/" })).statusCode, 200);
    assert.equal((await t.app.inject({ url: "/ui/js/api.js" })).statusCode, 200);
    assert.equal((await t.app.inject({ url: "/health" })).statusCode, 401);
    const ok = await t.app.inject({ url: "/health", headers: { authorization: "Bearer s3cret" } });
    assert.equal(ok.statusCode, 200);
  });
});
