import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import type { Span } from "../span/types.js";
import { CSV_HEADER, type ExportFormat, textPage } from "./format.js";
import { type ExportTally, Tally } from "./pages.js";
import { stagingLine, stagingToParquet } from "./parquet.js";

/** What writing one export file produced. */
export interface WrittenFile extends ExportTally {
  bytes: number;
  sha256: string;
}

async function write(out: WriteStream, text: string): Promise<void> {
  if (text === "" || out.write(text)) return;
  await new Promise<void>((resolve, reject) => {
    const fail = (e: Error) => reject(e);
    out.once("error", fail);
    out.once("drain", () => {
      out.off("error", fail);
      resolve();
    });
  });
}

async function close(out: WriteStream): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    out.once("error", reject);
    out.end(() => resolve());
  });
}

/** SHA-256 of a file, read as a stream. */
async function sha256File(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

/**
 * Writes pages of spans to `path` in `format`, a page at a time. The file appears under its
 * name only once complete (written to PATH.partial, then renamed), so a crash never leaves a
 * truncated file that looks finished. `onPage` sees the running row count (progress bars).
 */
export async function writeExportFile(
  pages: AsyncIterable<Span[]>,
  format: ExportFormat,
  path: string,
  onPage?: (rows: number) => void,
): Promise<WrittenFile> {
  const partial = `${path}.partial`;
  const staging = `${path}.staging.jsonl`;
  const tally = new Tally();
  try {
    const out = createWriteStream(format === "parquet" ? staging : partial);
    try {
      if (format === "csv") await write(out, CSV_HEADER);
      for await (const page of pages) {
        tally.add(page);
        await write(out, format === "parquet" ? page.map(stagingLine).join("") : textPage(format, page));
        onPage?.(tally.rows);
      }
    } finally {
      await close(out);
    }
    if (format === "parquet") await stagingToParquet(staging, partial);
    await rename(partial, path);
  } finally {
    await rm(staging, { force: true });
    await rm(partial, { force: true });
  }
  const { size } = await stat(path);
  return { ...tally.result(), bytes: size, sha256: await sha256File(path) };
}
