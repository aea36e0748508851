import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ExportFormat } from "./format.js";

/** One exported file: the spans the store committed in [period_start, period_end). */
export interface ManifestFile {
  file: string;
  period_start: string;
  period_end: string;
  rows: number;
  cost_usd: number;
  /** Earliest and latest started_at in the file (null when empty): late spans make this reach back before period_start. */
  min_started_at: string | null;
  max_started_at: string | null;
  bytes: number;
  sha256: string;
}

/** manifest.json of an export directory. */
export interface Manifest {
  version: 1;
  /** Every span the store committed before this time is in exactly one file (null: nothing exported yet). */
  exported_through: string | null;
  files: ManifestFile[];
}

const MANIFEST = "manifest.json";

/** The directory's manifest, or an empty one when there is none yet. */
export async function readManifest(dir: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST), "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, exported_through: null, files: [] };
    throw e;
  }
  const m = JSON.parse(text) as Manifest;
  if (m.version !== 1 || !Array.isArray(m.files))
    throw new Error(`${join(dir, MANIFEST)} is not a tokentrace export manifest`);
  return m;
}

/** Replaces the manifest atomically (write then rename): a crash leaves the old one or the new one. */
export async function writeManifest(dir: string, m: Manifest): Promise<void> {
  const tmp = join(dir, `${MANIFEST}.tmp`);
  await writeFile(tmp, `${JSON.stringify(m, null, 2)}\n`);
  await rename(tmp, join(dir, MANIFEST));
}

/** The file name of the period starting at `start` (epoch ms). */
export function periodFile(start: number, format: ExportFormat): string {
  return `spans-${new Date(start).toISOString().replace(/[:.]/g, "-")}.${format}`;
}
