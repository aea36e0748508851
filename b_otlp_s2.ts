import { makeTestApp } from "/work/main/src/server/testing/app.ts";
const t = await makeTestApp();
for (const ct of ["application/json; charset=utf-8", "Application/X-Protobuf", "application/x-protobuf; proto=x"]) {
  const r = await t.app.inject({ method: "POST", url: "/v1/traces", headers: { "content-type": ct }, payload: ct.toLowerCase().includes("json") ? "{}" : Buffer.alloc(0) });
  console.log(ct, r.statusCode, r.headers["content-type"], JSON.stringify(r.body));
}
const r = await t.app.inject({ method: "GET", url: "/v1/traces" });
console.log("GET", r.statusCode, r.body);
await t.close();
