import http from "node:http";

/** What a load run against POST /spans did. */
export interface LoadResult {
  accepted: number; // spans the server acknowledged with 202
  errors: number; // requests answered with anything else
  refused: number; // 503 overloaded answers (with Retry-After); the client waits that long and sends again
  requests: number;
  elapsed: number; // seconds
}

const TRACE_KEY = new TextEncoder().encode('"trace_id":"');
const HEX = new TextEncoder().encode("0123456789abcdef");

/** Where each trace_id value starts in a JSON body (JSON.stringify output: no spaces). */
function traceIdOffsets(body: Uint8Array): number[] {
  const out: number[] = [];
  const first = TRACE_KEY[0];
  for (let i = body.indexOf(first); i >= 0; i = body.indexOf(first, i + 1)) {
    let k = 0;
    while (k < TRACE_KEY.length && body[i + k] === TRACE_KEY[k]) k++;
    if (k === TRACE_KEY.length) out.push(i + k);
  }
  return out;
}

/**
 * A copy of the body whose trace ids start with the request's serial number (8 hex digits):
 * the server stores a span once by (trace_id, span_id), so sending the same bodies again
 * would commit nothing. The copy and the stamps cost the client ~0.1 ms a 1000-span body.
 */
function stamp(body: Uint8Array<ArrayBuffer>, offsets: number[], serial: number): Uint8Array<ArrayBuffer> {
  const out = body.slice();
  for (const at of offsets) {
    for (let d = 0; d < 8; d++) out[at + d] = HEX[(serial >>> (28 - 4 * d)) & 15];
  }
  return out;
}

/**
 * POSTs the prepared JSON bodies (UTF-8 bytes) to /spans from `clients` concurrent loops for `seconds`,
 * spreading the clients over the given servers. Every request carries new trace ids (see stamp).
 */
export async function postLoad(
  urls: string[],
  bodies: Uint8Array<ArrayBuffer>[],
  clients: number,
  seconds: number,
): Promise<LoadResult> {
  let accepted = 0;
  let errors = 0;
  let refused = 0;
  let requests = 0;
  let serial = 0;
  const offsets = bodies.map(traceIdOffsets);
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const url = urls[c % urls.length];
      for (let i = c; performance.now() < deadline; i += clients) {
        const k = i % bodies.length;
        const res = await post(agent, `${url}/spans`, stamp(bodies[k], offsets[k], serial++));
        const body = JSON.parse(res.body) as { accepted?: number };
        requests++;
        const retryAfter = res.retryAfter;
        if (res.status === 202) accepted += body.accepted ?? 0;
        else if (res.status === 503 && retryAfter !== null) {
          // Backpressure, as an SDK meets it: wait as told, then go on with the next body.
          refused++;
          await new Promise((r) => setTimeout(r, Number(retryAfter) * 1000));
        } else errors++;
      }
    }),
  );
  agent.destroy();
  return { accepted, errors, refused, requests, elapsed: (performance.now() - start) / 1000 };
}

/**
 * One POST over node:http (also used by bench/scores.ts). fetch (undici) cost this client ~5.6 ms of CPU per 534 KB body,
 * a fifth of what the whole run used, on the two cores the server needs too; about 1 ms.
 */
export function post(
  agent: http.Agent,
  url: string,
  body: Uint8Array,
): Promise<{ status: number; retryAfter: string | null; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: "POST", agent, headers: { "content-type": "application/json", "content-length": body.length } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          text += d;
        });
        res.on("end", () => {
          const retry = res.headers["retry-after"];
          resolve({ status: res.statusCode ?? 0, retryAfter: typeof retry === "string" ? retry : null, body: text });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
