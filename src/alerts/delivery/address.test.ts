import assert from "node:assert/strict";
import { test } from "node:test";
import { redactUrl } from "../delivery-spec.js";
import { blockedKind, refusal } from "./address.js";

test("private address (finding): loopback, private, link-local and metadata ranges, IPv4 and IPv6", () => {
  const cases: [string, string | null][] = [
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["10.0.0.1", "private"],
    ["172.16.5.4", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "private"],
    ["fc00::1", "private"],
    ["fd12:3456::1", "private"],
    ["169.254.169.254", "metadata"],
    ["fd00:ec2::254", "metadata"],
    ["169.254.1.1", "link-local"],
    ["fe80::1", "link-local"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["172.32.0.1", null],
    ["8.8.8.8", null],
    ["2606:4700::1111", null],
    ["hooks.example.com", null],
  ];
  for (const [ip, kind] of cases) assert.equal(blockedKind(ip), kind, ip);
});

test("allowed_hosts lets a listed host reach a private address; the refusal names host, range and setting", () => {
  assert.equal(refusal("hooks.internal", "10.0.0.5", ["hooks.internal"]), null);
  assert.equal(refusal("a.corp.example", "10.0.0.5", ["*.corp.example"]), null);
  assert.equal(refusal("hooks.example.com", "93.184.216.34", null), null);
  assert.equal(
    refusal("localhost", "127.0.0.1", ["hooks.example.com"]),
    "localhost resolves to a loopback address (127.0.0.1), which rules created through the API may not target unless alerts.allowed_hosts lists the host",
  );
  assert.match(refusal("169.254.169.254", "169.254.169.254", null) ?? "", /^169\.254\.169\.254 is a metadata address,/);
});

test("receiver URL secrets (finding): query string, user name and password are redacted", () => {
  assert.equal(redactUrl("https://u:p@hooks.example.com/path?api_key=s#frag"), "https://hooks.example.com/path?…");
  assert.equal(redactUrl("https://hooks.example.com/alerts"), "https://hooks.example.com/alerts");
  assert.equal(redactUrl("http://[::1]:9000/x?k=v"), "http://[::1]:9000/x?…");
});
