// Runs inside the store worker: fills whole columns of a data chunk from typed arrays.
// The node-api vectors take one JS value per row (a BigInt per BIGINT, a JS string per
// VARCHAR converted again on flush); here a numeric column is one copy into the vector and
// a text column one native call per row with UTF-8 bytes. On the rollup rows of a batch
// (~3 bin rows a span, five key strings each) that was about half of the insert's CPU.
import type { DuckDBDataChunk } from "@duckdb/node-api";
import duckdb from "@duckdb/node-bindings";

type Vector = ReturnType<typeof duckdb.data_chunk_get_vector>;

const TWO_32 = 4_294_967_296;

function vector(chunk: DuckDBDataChunk, col: number): Vector {
  return duckdb.data_chunk_get_vector(chunk.chunk, col);
}

/** Marks rows as NULL (validity bits, 64 rows a word, little-endian). */
function setNulls(v: Vector, rows: number, nullRows: readonly number[]): void {
  if (nullRows.length === 0) return;
  const bits = new Uint8Array(new ArrayBuffer(Math.ceil(rows / 64) * 8)).fill(0xff);
  for (const r of nullRows) bits[r >> 3] &= ~(1 << (r & 7));
  duckdb.vector_ensure_validity_writable(v);
  duckdb.copy_data_to_vector_validity(v, 0, bits.buffer, 0, bits.byteLength);
}

function nullsOf(rows: number, isNull: ((r: number) => boolean) | undefined): number[] {
  const out: number[] = [];
  if (isNull !== undefined) for (let r = 0; r < rows; r++) if (isNull(r)) out.push(r);
  return out;
}

/**
 * A BIGINT column (or DECIMAL(18, s), stored as int64) from safe integers, written as two
 * 32-bit halves: no BigInt per value. `isNull` marks NULL rows.
 */
export function int64Column(
  chunk: DuckDBDataChunk,
  col: number,
  rows: number,
  value: (r: number) => number,
  isNull?: (r: number) => boolean,
): void {
  const words = new Int32Array(rows * 2);
  for (let r = 0; r < rows; r++) {
    const v = value(r);
    const hi = Math.floor(v / TWO_32);
    words[2 * r] = v - hi * TWO_32;
    words[2 * r + 1] = hi;
  }
  copyInto(chunk, col, words, rows, nullsOf(rows, isNull));
}

/** A DOUBLE column. */
export function float64Column(
  chunk: DuckDBDataChunk,
  col: number,
  rows: number,
  value: (r: number) => number,
  isNull?: (r: number) => boolean,
): void {
  const data = new Float64Array(rows);
  for (let r = 0; r < rows; r++) data[r] = value(r);
  copyInto(chunk, col, data, rows, nullsOf(rows, isNull));
}

/** An INTEGER (4 bytes) or TINYINT (1 byte) column. */
export function smallIntColumn(
  chunk: DuckDBDataChunk,
  col: number,
  rows: number,
  bytes: 1 | 4,
  value: (r: number) => number,
): void {
  const data = bytes === 4 ? new Int32Array(rows) : new Int8Array(rows);
  for (let r = 0; r < rows; r++) data[r] = value(r);
  copyColumn(chunk, col, data);
}

const utf8 = new TextEncoder();
/** UTF-8 of the strings rollup rows repeat (models, callers, statuses, dimension JSON). */
const encoded = new Map<string, Uint8Array>();

/** A VARCHAR column of strings that repeat from row to row (their UTF-8 is kept); null → NULL. */
export function textColumn(chunk: DuckDBDataChunk, col: number, rows: number, value: (r: number) => string | null) {
  if (encoded.size > 50_000) encoded.clear();
  bytesColumn(chunk, col, rows, (r) => {
    const s = value(r);
    if (s === null) return null;
    let b = encoded.get(s);
    if (b === undefined) {
      b = utf8.encode(s);
      encoded.set(s, b);
    }
    return b;
  });
}

/** A VARCHAR column from UTF-8 bytes; null → NULL. */
export function bytesColumn(
  chunk: DuckDBDataChunk,
  col: number,
  rows: number,
  value: (r: number) => Uint8Array | null,
) {
  const v = vector(chunk, col);
  const nulls: number[] = [];
  for (let r = 0; r < rows; r++) {
    const b = value(r);
    if (b === null) nulls.push(r);
    else duckdb.vector_assign_string_element_len(v, r, b);
  }
  setNulls(v, rows, nulls);
}

type ColumnData = BigInt64Array | Int32Array | Int8Array | Float64Array;

/** A column whose vector layout is exactly this typed array's (BIGINT from BigInt64Array, INTEGER from Int32Array). */
export function copyColumn(chunk: DuckDBDataChunk, col: number, data: ColumnData): void {
  copyInto(chunk, col, data, data.length, []);
}

/** Copies the typed array into the column's vector in one call, then marks the NULL rows. */
function copyInto(chunk: DuckDBDataChunk, col: number, data: ColumnData, rows: number, nullRows: readonly number[]) {
  const v = vector(chunk, col);
  duckdb.copy_data_to_vector(v, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
  setNulls(v, rows, nullRows);
}
