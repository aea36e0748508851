// Runs inside the store worker: fills whole columns of a data chunk from typed arrays.
// The node-api vectors take one JS value per row (a BigInt per BIGINT, a JS string per
// VARCHAR converted again on flush); here a numeric column is one copy into the vector and
// a text column one native call per row with UTF-8 bytes. On the rollup rows of a batch
// (~3 bin rows a span, five key strings each) that was about half of the insert's CPU.
// Values come in arrays, not through a callback per row: a closure made per column and
// chunk was compiled again by V8 for each batch, which took ~15% of the server's CPU.
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

function nullsOf(rows: number, nulls: ArrayLike<number> | undefined): number[] {
  const out: number[] = [];
  if (nulls !== undefined) for (let r = 0; r < rows; r++) if (nulls[r] === 1) out.push(r);
  return out;
}

/**
 * A BIGINT column (or DECIMAL(18, s), stored as int64) of safe integers, one row per value,
 * written as two 32-bit halves: no BigInt per value. `nulls[r] === 1` marks a NULL row.
 */
export function int64Column(
  chunk: DuckDBDataChunk,
  col: number,
  values: ArrayLike<number>,
  nulls?: ArrayLike<number>,
): void {
  const rows = values.length;
  const words = new Int32Array(rows * 2);
  for (let r = 0; r < rows; r++) {
    const v = values[r];
    const hi = Math.floor(v / TWO_32);
    words[2 * r] = v - hi * TWO_32;
    words[2 * r + 1] = hi;
  }
  copyInto(chunk, col, words, rows, nullsOf(rows, nulls));
}

/** A DOUBLE column, one row per value; `nulls[r] === 1` marks a NULL row. */
export function float64Column(
  chunk: DuckDBDataChunk,
  col: number,
  values: Float64Array,
  nulls?: ArrayLike<number>,
): void {
  copyInto(chunk, col, values, values.length, nullsOf(values.length, nulls));
}

const utf8 = new TextEncoder();
/** UTF-8 of the strings rollup rows repeat (models, callers, statuses, dimension JSON). */
const encoded = new Map<string, Uint8Array>();

/** A VARCHAR column of strings that repeat from row to row (their UTF-8 is kept); null → NULL. */
export function textColumn(chunk: DuckDBDataChunk, col: number, values: readonly (string | null)[]): void {
  if (encoded.size > 50_000) encoded.clear();
  const v = vector(chunk, col);
  const nulls: number[] = [];
  for (let r = 0; r < values.length; r++) {
    const s = values[r];
    if (s === null) {
      nulls.push(r);
      continue;
    }
    let b = encoded.get(s);
    if (b === undefined) {
      b = utf8.encode(s);
      encoded.set(s, b);
    }
    duckdb.vector_assign_string_element_len(v, r, b);
  }
  setNulls(v, values.length, nulls);
}

/** UTF-8 text and where each of its strings lies: [starts[k], ends[k]) in bytes, NULL when lengths[k] < 0. */
export interface TextSlices {
  bytes: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  lengths: Int32Array;
}

/** A VARCHAR column whose row r is string k = first + r * stride of the slices. */
export function slicesColumn(
  chunk: DuckDBDataChunk,
  col: number,
  rows: number,
  t: TextSlices,
  first: number,
  stride: number,
): void {
  const v = vector(chunk, col);
  const nulls: number[] = [];
  for (let r = 0, k = first; r < rows; r++, k += stride) {
    if (t.lengths[k] < 0) nulls.push(r);
    else duckdb.vector_assign_string_element_len(v, r, t.bytes.subarray(t.starts[k], t.ends[k]));
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
