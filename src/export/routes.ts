import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import type { Store } from "../store/store.js";
import { CONTENT_TYPES, CSV_HEADER, type ExportFormat, textPage } from "./format.js";
import { type ExportRange, spanPages } from "./pages.js";
import { parseExportQuery } from "./request.js";
import { writeExportFile } from "./write.js";

/** What GET /export needs. */
export interface ExportRouteOptions {
  store: Store;
  now: () => number;
}

async function* textBody(store: Store, format: "csv" | "jsonl", range: ExportRange): AsyncGenerator<string> {
  if (format === "csv") yield CSV_HEADER;
  for await (const page of spanPages(store, range)) yield textPage(format, page);
}

const stamp = (ms: number) => new Date(ms).toISOString().replace(/[:.]/g, "-");

/** A Parquet body: written to a temporary file (its footer comes last), streamed, then removed. */
async function parquetBody(store: Store, range: ExportRange): Promise<Readable> {
  const dir = await mkdtemp(join(tmpdir(), "tokentrace-export-"));
  try {
    const file = join(dir, "export.parquet");
    await writeExportFile(spanPages(store, range), "parquet", file);
    const body = createReadStream(file);
    body.once("close", () => void rm(dir, { recursive: true, force: true }));
    return body;
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * GET /export: the spans of a window as Parquet, CSV or JSON Lines. CSV and JSON Lines are
 * streamed page by page as they are read, so memory stays at one page (EXPORT_BATCH spans).
 */
export async function exportRoutes(app: FastifyInstance, opts: ExportRouteOptions): Promise<void> {
  app.get("/export", async (request, reply) => {
    const { format, range } = parseExportQuery(request.query as Record<string, unknown>, opts.now());
    const name = `tokentrace-${stamp(range.since ?? 0)}-${stamp(range.until ?? 0)}.${format}`;
    reply
      .header("content-type", CONTENT_TYPES[format as ExportFormat])
      .header("content-disposition", `attachment; filename="${name}"`);
    if (format === "parquet") return reply.send(await parquetBody(opts.store, range));
    return reply.send(Readable.from(textBody(opts.store, format, range)));
  });
}
