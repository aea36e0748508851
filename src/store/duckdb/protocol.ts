import type { Span } from "../../span/types.js";

/** Messages from the store (main thread) to its DuckDB worker. */
export type WorkerRequest =
  | { id: number; op: "insert"; spans: Span[] }
  | { id: number; op: "all"; sql: string; params: unknown[] }
  /** Write statements run in one transaction; the result is each one's changed-row count. */
  | { id: number; op: "run"; statements: { sql: string; params: unknown[] }[] }
  | { id: number; op: "close" };

/** Replies, matched to requests by id. id 0 is the worker's start-up report. */
export type WorkerReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string; code?: string };

export interface WorkerInit {
  path: string;
}
