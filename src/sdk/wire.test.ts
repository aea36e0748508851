import assert from "node:assert/strict";
import { test } from "node:test";
import { isoTime } from "./wire.js";

test("isoTime matches Date#toISOString, including cached seconds and odd instants", () => {
  const samples = [
    0, 1, 999, 1000, 1741569952001, 1741569952010, 1741569952100, 1741569952999, 1741569953000, -1, -1001, 1.5,
  ];
  for (let i = 0; i < 2000; i++) samples.push(1741569952000 + i * 7);
  for (const ms of samples) assert.equal(isoTime(ms), new Date(Math.floor(ms)).toISOString(), String(ms));
});
