// Reads export files back with readers independent of the writer: hyparquet (pure JS) for
// Parquet, a plain RFC 4180 parser for CSV, JSON.parse per line for JSON Lines.
import { readFileSync } from "node:fs";
import { asyncBufferFromFile, parquetReadObjects } from "hyparquet";

/** One exported row, as the reader returns it. */
export type Row = Record<string, unknown>;

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks; records end in CRLF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  if (field !== "" || row.length > 0) throw new Error("CSV does not end with CRLF");
  return rows;
}

/** Rows of an export file as objects (CSV: header names, empty = null). */
export async function readExport(path: string, format: "parquet" | "csv" | "jsonl"): Promise<Row[]> {
  if (format === "parquet") return (await parquetReadObjects({ file: await asyncBufferFromFile(path) })) as Row[];
  const text = readFileSync(path, "utf8");
  if (format === "jsonl") {
    return text === ""
      ? []
      : text
          .replace(/\n$/, "")
          .split("\n")
          .map((l) => JSON.parse(l) as Row);
  }
  const [header, ...records] = parseCsv(text);
  return records.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] === "" ? null : r[i]])));
}

/** Sum of cost_usd over rows, whatever type the reader gave (number, decimal text). */
export function costSum(rows: Row[]): number {
  return rows.reduce((s, r) => s + (r.cost_usd === null || r.cost_usd === undefined ? 0 : Number(r.cost_usd)), 0);
}
