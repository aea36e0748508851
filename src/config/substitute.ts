// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the config syntax under test, not a template
import { type Document, visit } from "yaml";

// ${VAR} or ${VAR:-default}; "$${" is a literal "${" (other "$" are left alone: "pa$$word" stays).
const TOKEN_RE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{/g;

export type Substituted = { ok: true; value: string; changed: boolean } | { ok: false; message: string };

/**
 * Expands ${VAR} and ${VAR:-default} in one string value, in a single pass: text that
 * comes from the environment is never expanded again. An unset variable without a
 * default becomes "" (and is reported through `missing`); ":-" also applies when the
 * variable is set but empty, as in the shell.
 *
 * @example substituteValue("${HOST:-localhost}:9090", {}, []) // { ok: true, value: "localhost:9090", changed: true }
 */
function substituteValue(text: string, env: NodeJS.ProcessEnv, missing: string[]): Substituted {
  if (!text.includes("$")) return { ok: true, value: text, changed: false };
  let bad: string | null = null;
  const value = text.replace(TOKEN_RE, (whole: string, name: string | undefined, def: string | undefined) => {
    if (whole === "$${") return "${";
    if (name === undefined) {
      bad ??= 'malformed "${": write ${NAME} or ${NAME:-default}, or "$${" for a literal "${"';
      return whole;
    }
    const v = env[name];
    if (v !== undefined && (v !== "" || def === undefined)) return v;
    if (def !== undefined) return def;
    missing.push(name);
    return "";
  });
  if (bad !== null) return { ok: false, message: bad };
  return { ok: true, value, changed: value !== text };
}

/** Re-types an unquoted scalar after substitution, as YAML would have read the expanded text. */
function retype(s: string): string | number | boolean | null {
  if (s === "" || s === "~" || s === "null") return null;
  if (s === "true") return true;
  if (s === "false") return false;
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  return s;
}

export interface SubstitutionIssue {
  offset: number;
  message: string;
}

/**
 * Substitutes the environment into every string VALUE of a parsed document (keys and the
 * raw text are left alone). Unquoted scalars are re-typed, so `max_batch_size: ${N}`
 * becomes a number. Returns the problems (malformed "${") and warnings (unset variables).
 */
export function substituteDocument(
  doc: Document,
  env: NodeJS.ProcessEnv,
): { problems: SubstitutionIssue[]; warnings: SubstitutionIssue[] } {
  const problems: SubstitutionIssue[] = [];
  const warnings: SubstitutionIssue[] = [];
  visit(doc, {
    Scalar(key, node) {
      if (key === "key" || typeof node.value !== "string") return;
      const offset = node.range?.[0] ?? 0;
      const missing: string[] = [];
      const r = substituteValue(node.value, env, missing);
      if (!r.ok) {
        problems.push({ offset, message: r.message });
        return;
      }
      for (const name of missing)
        warnings.push({ offset, message: `environment variable ${name} is not set; using ""` });
      if (!r.changed) return;
      node.value = node.type === "PLAIN" ? retype(r.value) : r.value;
    },
  });
  return { problems, warnings };
}
