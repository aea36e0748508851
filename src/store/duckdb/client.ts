import { Worker } from "node:worker_threads";
import type { SpanContent } from "../../content/types.js";
import type { Span } from "../../span/types.js";
import { encodeContent } from "./content-schema.js";
import { encodeSpans, type WorkerInit, type WorkerReply, type WorkerRequest } from "./protocol.js";

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };
type Message = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;
/** What the store asks for: spans and content travel to the worker as columns (SpanBatch, ContentColumns). */
type Request =
  | Exclude<Message, { op: "insert" } | { op: "appendContent" }>
  | { op: "insert"; spans: readonly Span[]; content?: readonly SpanContent[] }
  | { op: "appendContent"; rows: readonly SpanContent[] };

/** An error from the worker, with the worker's code ("locked" when another process holds the file). */
export class WorkerError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

// From dist the worker is plain JS next to this file. From sources (tsx: tests, benches)
// it is a .ts file, and Node 20 does not pass tsx's loader hooks to a worker's entry
// point, so a tiny bootstrap registers tsx inside the worker first.
function spawn(init: WorkerInit): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new Worker(new URL("./worker.js", here), { workerData: init });
  const tsx = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./worker.ts", here).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: init });
}

/** Store workers started and not yet terminated, for haltWorkers(). */
const live = new Set<WorkerClient>();
/** Workers being terminated. */
const ending = new Set<Promise<void>>();
let halting = false;

/**
 * Before an exit that cannot wait for a clean close (a second SIGTERM/SIGINT): interrupts
 * every store worker's queries and resolves once none runs and no worker thread is being
 * terminated, at most `timeoutMs` later. process.exit() while a worker is inside a DuckDB
 * call, or mid-termination, aborts the process (Napi::Error, exit 134); an idle one is safe.
 */
export async function haltWorkers(timeoutMs: number): Promise<void> {
  // from now on the exit stops the (idle) workers; no new termination may start
  halting = true;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    timer.unref();
  });
  const settle = async () => {
    await Promise.all([...live].map((c) => c.request({ op: "halt" }).catch(() => undefined)));
    while (ending.size > 0) await Promise.all([...ending]);
  };
  await Promise.race([settle(), late]);
  clearTimeout(timer);
}

/** Main-thread side of the DuckDB worker: request ids, replies, and the worker's lifetime. */
export class WorkerClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private dead: Error | null = null;
  private ended: Promise<void> | null = null;
  private closed = false;
  /** Id of the close request, once sent. */
  private closing = -1;

  private constructor(private readonly worker: Worker) {}

  /** Starts the worker and resolves once the database is open and the schema exists. */
  static start(init: WorkerInit): Promise<WorkerClient> {
    const worker = spawn(init);
    const client = new WorkerClient(worker);
    return new Promise((resolve, reject) => {
      client.pending.set(0, {
        resolve: () => {
          live.add(client);
          resolve(client);
        },
        reject: (e) => {
          void worker.terminate();
          reject(e);
        },
      });
      worker.on("message", (m: WorkerReply) => client.onReply(m));
      worker.on("error", (e) => client.fail(e));
      worker.on("exit", (code) => client.fail(new Error(`store worker exited (code ${code})`)));
    });
  }

  private onReply(m: WorkerReply): void {
    const p = this.pending.get(m.id);
    if (p === undefined) return;
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.worker.unref();
    if (m.ok && this.closing === m.id) this.closed = true;
    if (m.ok) p.resolve(m.result);
    else p.reject(new WorkerError(m.error, m.code));
  }

  private fail(e: Error): void {
    live.delete(this);
    if (this.dead === null) this.dead = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** Sends one request; resolves with the worker's result or rejects with its error. */
  request(msg: Request): Promise<unknown> {
    if (this.dead !== null) return Promise.reject(this.dead);
    const id = this.nextId++;
    let message: WorkerRequest;
    let transfer: ArrayBuffer[] = [];
    if (msg.op === "insert") {
      const encoded = encodeSpans(msg.spans);
      message = { op: "insert", batch: encoded.batch, id };
      transfer = encoded.transfer;
      if (msg.content !== undefined && msg.content.length > 0) {
        const c = encodeContent(msg.content);
        message.content = c.columns;
        transfer.push(...c.transfer);
      }
    } else if (msg.op === "appendContent") {
      const c = encodeContent(msg.rows);
      message = { op: "appendContent", columns: c.columns, id };
      transfer = c.transfer;
    } else message = { ...msg, id };
    if (msg.op === "close") this.closing = id;
    // Referenced only while work is pending: an idle store never keeps the process alive.
    this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(message, transfer);
    });
  }

  /** Why the worker is gone (crashed, exited, terminated), or null while it runs. */
  get deadReason(): string | null {
    return this.dead?.message ?? null;
  }

  /** Stops the worker thread; resolves once it has exited. Idempotent. */
  terminate(): Promise<void> {
    this.dead ??= new Error("store is closed");
    live.delete(this);
    // a worker whose database is closed is safely terminated; an open one is left to the exit
    if (this.ended === null && (!halting || this.closed)) {
      const ended = this.worker.terminate().then(
        () => undefined,
        () => undefined,
      );
      ending.add(ended);
      void ended.then(() => ending.delete(ended));
      this.ended = ended;
    }
    return this.ended ?? Promise.resolve();
  }
}
