import assert from "node:assert/strict";
import { test } from "node:test";
import { exactPico, fromPico, roundCost, toPico } from "./cost.js";

test("toPico agrees with exactPico, including values near a half", () => {
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const values = [0, -0, 5e-13, -5e-13, 1.5e-12, 2.5e-12, 999.9999999999995, 1e-20, 0.1 + 0.2, 123456.789, 2e6];
  for (let i = 0; i < 20_000; i++) {
    const r = rand();
    values.push(r, -r * 999, r / 1000, Number(r.toFixed(13)), (Math.floor(r * 1e12) + 0.5) / 1e12, r * 3.7e-6);
  }
  for (const v of values) assert.equal(toPico(v), exactPico(v), `cost ${v}`);
});

test("costs are scaled from their decimal text and rounded half away from zero", () => {
  assert.equal(exactPico(0.00448), 4_480_000_000n);
  assert.equal(toPico(0.00448), 4_480_000_000n);
  assert.equal(toPico(5e-13), 1n);
  assert.equal(toPico(-5e-13), -1n);
  assert.equal(toPico(1.5e-12), 2n);
  assert.equal(toPico(-2.5e-12), -3n);
  assert.equal(toPico(1e-20), 0n);
});

test("sums of pico-dollars come back exact to the last decimal", () => {
  let sum = 0n;
  for (let i = 0; i < 3000; i++) sum += toPico(0.000001);
  assert.equal(fromPico(sum), 0.003);
  assert.equal(fromPico(toPico(0.1) + toPico(0.2)), 0.3);
  assert.equal(fromPico(-toPico(123456.789012)), -123456.789012);
  assert.equal(roundCost(0.1 + 0.2), 0.3);
});
