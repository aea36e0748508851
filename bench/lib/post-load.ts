/** What a load run against POST /spans did. */
export interface LoadResult {
  accepted: number; // spans the server acknowledged with 202
  errors: number; // requests answered with anything else
  requests: number;
  elapsed: number; // seconds
}

/**
 * POSTs the prepared JSON bodies (UTF-8 bytes) to /spans from `clients` concurrent loops for `seconds`,
 * spreading the clients over the given servers.
 */
export async function postLoad(
  urls: string[],
  bodies: Uint8Array<ArrayBuffer>[],
  clients: number,
  seconds: number,
): Promise<LoadResult> {
  let accepted = 0;
  let errors = 0;
  let requests = 0;
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const url = urls[c % urls.length];
      for (let i = c; performance.now() < deadline; i += clients) {
        const res = await fetch(`${url}/spans`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: bodies[i % bodies.length],
        });
        const body = (await res.json()) as { accepted?: number };
        requests++;
        if (res.status === 202) accepted += body.accepted ?? 0;
        else errors++;
      }
    }),
  );
  return { accepted, errors, requests, elapsed: (performance.now() - start) / 1000 };
}
