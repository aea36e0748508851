// SQL for declared dimensions (src/store/rollup/dimensions.ts): the same folding as the
// JS DimensionFolder, for spans read by SQL (ragged edges, retention, rebuild), through the
// values each hour named (rollup_named).
import { type Dimensions, OTHER } from "../rollup/dimensions.js";
import { HOUR_MS } from "../rollup/plan.js";
import { jsonPointer, type Params } from "./filter.js";

type Sql = { sql: string; params: unknown[] };
const HOUR = `${HOUR_MS}::BIGINT`;
const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

function foldSql(raw: string, dim: string, other: string): string {
  return `(CASE WHEN ${raw} IS NULL THEN NULL
    WHEN EXISTS (SELECT 1 FROM rollup_named n WHERE n.h = (spans.started_at // ${HOUR}) * ${HOUR}
      AND n.dim = ${dim} AND n.val = ${raw}) THEN ${raw}
    ELSE ${other} END)`;
}

/** A span's folded value of dimension `key`: its value if named in its hour, else "(other)"; NULL without it. */
export function foldedValueSql(p: Params, key: string): string {
  return foldSql(`json_extract_string(spans.attributes, ${p.add(jsonPointer(key))})`, p.add(key), p.add(OTHER));
}

/** The rollup key's dims JSON for a span row (declared names come from validated config, quoted). */
export function dimsJsonSql(dims: Dimensions): string {
  if (dims.names.length === 0) return "'{}'";
  const pairs = dims.names.map((d) => {
    const raw = `json_extract_string(spans.attributes, ${quote(jsonPointer(d))})`;
    return `${quote(d)}, ${foldSql(raw, quote(d), quote(OTHER))}`;
  });
  return `CAST(json_object(${pairs.join(", ")}) AS VARCHAR)`;
}

/**
 * A rebuild's decision for [from, to): per hour and dimension, the first maxValues distinct
 * values in arrival order (rowid) keep their name.
 */
export function renameSql(dims: Dimensions, from: number, to: number): Sql[] {
  const out: Sql[] = [{ sql: "DELETE FROM rollup_named WHERE h >= $1 AND h < $2", params: [from, to] }];
  if (dims.names.length === 0) return out;
  const parts = dims.names.map(
    (d) =>
      `SELECT (started_at // ${HOUR}) * ${HOUR} AS h, ${quote(d)} AS dim,
         json_extract_string(attributes, ${quote(jsonPointer(d))}) AS val, min(rowid) AS first
       FROM spans WHERE model IS NOT NULL AND started_at >= $1 AND started_at < $2 GROUP BY ALL`,
  );
  out.push({
    sql: `INSERT INTO rollup_named SELECT h, dim, val FROM (
        SELECT h, dim, val, row_number() OVER (PARTITION BY h, dim ORDER BY first) AS rn
        FROM (${parts.join(" UNION ALL ")}) WHERE val IS NOT NULL)
      WHERE rn <= $3`,
    params: [from, to, dims.maxValues],
  });
  return out;
}
