// Ingest hot path: parseSpans over 1000-span batches of the seed page's example span,
// once with cost_usd given and once priced from the table. Prints spans/s for each.
// Run: npx tsx bench/span-normalize.ts
import { createPricer } from "../src/pricing/index.js";
import { parseSpans } from "../src/span/index.js";
import { SEED_SPAN } from "../src/span/testing/seed.js";

const seed = SEED_SPAN;
const { cost_usd: _drop, ...unpricedSeed } = seed;

function run(label: string, span: object): void {
  const body: unknown = JSON.parse(JSON.stringify(Array(1000).fill(span)));
  const opts = { now: Date.now(), qualityKey: "eval.score", price: createPricer({}) };
  for (let i = 0; i < 300; i++) parseSpans(body, opts); // warm up the JIT
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < 3000) {
    parseSpans(body, opts);
    n += 1000;
  }
  const perSec = n / ((performance.now() - start) / 1000);
  console.log(`${label}: ${Math.round(perSec).toLocaleString("en-US")} spans/s`);
}

run("seed span, cost_usd given", seed);
run("seed span, cost from price table", unpricedSeed);
