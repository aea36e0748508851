// A webhook receiver on loopback for alert tests: records every request and answers from
// a script (e.g. 503, 503, then 200), so tests see exactly what a real receiver would.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface Receiver {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  received: Received[];
  /** Answers for the next requests, in order; once used up every request gets 200. */
  answers: Answer[];
  close(): Promise<void>;
}

export async function startReceiver(answers: Answer[] = []): Promise<Receiver> {
  const received: Received[] = [];
  const state = { answers: [...answers] };
  const server = createServer((req, res) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => {
      text += d;
    });
    req.on("end", () => {
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text
      }
      received.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body });
      const a = state.answers.shift() ?? { status: 200 };
      res.writeHead(a.status, { "content-type": "text/plain", ...a.headers });
      res.end(a.body ?? (a.status < 300 ? "ok" : "no"));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    get answers() {
      return state.answers;
    },
    set answers(v: Answer[]) {
      state.answers = [...v];
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
