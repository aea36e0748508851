// A local stand-in for the OpenAI and Anthropic HTTP APIs (node:http on port 0), so the
// real client packages can be pointed at it with baseURL. Tests script each response.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown>;
}

export type Handler = (req: FakeRequest, res: ServerResponse) => void | Promise<void>;

export interface FakeProvider {
  url: string;
  /** Requests received, in order. */
  requests: FakeRequest[];
  /** Answers the next request; then falls back to the fallback handler, else a 500. */
  next(handler: Handler): void;
  close(): Promise<void>;
}

/** @example const fake = await startFakeProvider(); new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: "k" }) */
export async function startFakeProvider(opts: { fallback?: Handler } = {}): Promise<FakeProvider> {
  const queue: Handler[] = [];
  const requests: FakeRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const fr: FakeRequest = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        headers: req.headers,
        body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>),
      };
      requests.push(fr);
      const h = queue.shift() ?? opts.fallback;
      if (h === undefined) return json(res, 500, { error: { message: "no scripted response" } });
      void Promise.resolve(h(fr, res)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    next: (h) => queue.push(h),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", "x-request-id": "req_test123", ...headers });
  res.end(JSON.stringify(body));
}

/** Writes SSE events; `{ event }` names the event (Anthropic), raw strings are sent as data as is. */
export function sseHead(res: ServerResponse): void {
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    "x-request-id": "req_test123",
  });
}

export function sseEvent(res: ServerResponse, data: unknown, event?: string): void {
  const payload = typeof data === "string" ? data : JSON.stringify(data);
  res.write(`${event ? `event: ${event}\n` : ""}data: ${payload}\n\n`);
}

export function sse(res: ServerResponse, events: Array<{ event?: string; data: unknown }>): void {
  sseHead(res);
  for (const e of events) sseEvent(res, e.data, e.event);
  res.end();
}
