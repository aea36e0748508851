import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { ConfigProblem } from "./errors.js";
import {
  FIELDS,
  isOverrideField,
  keysUnder,
  OVERRIDE_FIELDS,
  type OverrideField,
  SECTIONS,
  suggest,
} from "./schema.js";
import { substituteDocument } from "./substitute.js";

/** A value read from the file, with where it was written. */
export interface Located {
  value: unknown;
  where: string;
}

/** One entry of a list setting (an alert rule, a token), able to locate its fields. */
export interface ListItem {
  value: unknown;
  where: string;
  locate: (path: string) => string;
}

/** What tokentrace.yml says, before layering env and flags on top. */
export interface FileSource {
  values: Map<string, Located>;
  overrides: Map<string, Map<OverrideField, Located>>;
  rules: ListItem[];
  /** auth.tokens entries. */
  tokens: ListItem[];
  problems: ConfigProblem[];
  warnings: string[];
}

/**
 * Parses tokentrace.yml text: YAML errors, ${VAR} substitution (per value, after parsing),
 * unknown keys and misplaced types are collected as problems with file:line:col.
 */
export function readSource(text: string, file: string, env: NodeJS.ProcessEnv): FileSource {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number) => {
    const { line, col } = lc.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const out: FileSource = {
    values: new Map(),
    overrides: new Map(),
    rules: [],
    tokens: [],
    problems: [],
    warnings: [],
  };
  const problem = (where: string, path: string, message: string) => out.problems.push({ where, path, message });

  for (const e of doc.errors)
    problem(at(e.pos[0]), "", e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, ""));
  if (doc.errors.length > 0) return out;

  const sub = substituteDocument(doc, env);
  for (const p of sub.problems) problem(at(p.offset), "", p.message);
  for (const w of sub.warnings) out.warnings.push(`${at(w.offset)}: ${w.message}`);

  const nodeAt = (n: unknown, fallback: number): string => at(isNode(n) ? (n.range?.[0] ?? fallback) : fallback);
  const walker = new Walker(doc, out, nodeAt, problem);
  walker.map(doc.contents, "", 0);
  return out;
}

function isNode(n: unknown): n is Node {
  return typeof n === "object" && n !== null && "range" in n;
}

type ProblemFn = (where: string, path: string, message: string) => void;

class Walker {
  constructor(
    private readonly doc: Document,
    private readonly out: FileSource,
    private readonly nodeAt: (n: unknown, fallback: number) => string,
    private readonly problem: ProblemFn,
  ) {}

  private deref(n: unknown): unknown {
    return isAlias(n) ? n.resolve(this.doc) : n;
  }

  private js(n: unknown): unknown {
    const node = this.deref(n);
    if (node === null || node === undefined) return null;
    if (isScalar(node)) return node.value;
    return isNode(node) ? node.toJS(this.doc) : node;
  }

  /** Walks a mapping of settings; `offset` locates an empty or missing node. */
  map(raw: unknown, prefix: string, offset: number): void {
    const node = this.deref(raw);
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) return;
    if (!isMap(node)) {
      this.problem(
        this.nodeAt(node, offset),
        prefix,
        prefix === "" ? "the file must be a mapping of settings" : "must be a mapping",
      );
      return;
    }
    for (const pair of node.items) {
      const keyNode = pair.key;
      const keyOffset = isNode(keyNode) ? (keyNode.range?.[0] ?? offset) : offset;
      const key = isScalar(keyNode) ? String(keyNode.value) : null;
      if (key === null) {
        this.problem(this.nodeAt(keyNode, offset), prefix, "keys must be plain strings");
        continue;
      }
      const path = prefix === "" ? key : `${prefix}.${key}`;
      const where = this.nodeAt(pair.value, keyOffset);
      if (FIELDS[path] !== undefined) this.out.values.set(path, { value: this.js(pair.value), where });
      else if (SECTIONS.has(path)) this.map(pair.value, path, keyOffset);
      else if (path === "pricing.overrides") this.overrides(pair.value, keyOffset);
      else if (path === "alerts.rules") this.list(pair.value, keyOffset, path, this.out.rules, "alert rules");
      else if (path === "auth.tokens") this.list(pair.value, keyOffset, path, this.out.tokens, "{ token, scope }");
      else {
        const hint = suggest(key, keysUnder(prefix));
        this.problem(this.nodeAt(keyNode, offset), path, `unknown key${hint ? `; did you mean "${hint}"?` : ""}`);
      }
    }
  }

  private overrides(raw: unknown, offset: number): void {
    const node = this.deref(raw);
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) return;
    if (!isMap(node)) {
      this.problem(this.nodeAt(node, offset), "pricing.overrides", "must be a mapping of model name to prices");
      return;
    }
    for (const pair of node.items) {
      const model = isScalar(pair.key) ? String(pair.key.value) : "";
      const path = `pricing.overrides.${model}`;
      const keyOffset = isNode(pair.key) ? (pair.key.range?.[0] ?? offset) : offset;
      const entry = this.deref(pair.value);
      if (!isMap(entry)) {
        this.problem(this.nodeAt(entry, keyOffset), path, "must be a mapping with input_per_mtok and output_per_mtok");
        continue;
      }
      const fields = new Map<OverrideField, Located>();
      for (const p of entry.items) {
        const k = isScalar(p.key) ? String(p.key.value) : "";
        if (!isOverrideField(k)) {
          const hint = suggest(k, [...OVERRIDE_FIELDS]);
          this.problem(
            this.nodeAt(p.key, keyOffset),
            `${path}.${k}`,
            `unknown key${hint ? `; did you mean "${hint}"?` : ""}`,
          );
          continue;
        }
        fields.set(k, { value: this.js(p.value), where: this.nodeAt(p.value, keyOffset) });
      }
      this.out.overrides.set(model, fields);
      if (!fields.has("input_per_mtok") || !fields.has("output_per_mtok")) {
        this.problem(this.nodeAt(pair.key, offset), path, "input_per_mtok and output_per_mtok are required");
      }
    }
  }

  private list(raw: unknown, offset: number, path: string, into: ListItem[], what: string): void {
    const node = this.deref(raw);
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) return;
    if (!isSeq(node)) {
      this.problem(this.nodeAt(node, offset), path, `must be a list of ${what}`);
      return;
    }
    for (const item of node.items) {
      const itemOffset = isNode(item) ? (item.range?.[0] ?? offset) : offset;
      into.push({
        value: this.js(item),
        where: this.nodeAt(item, offset),
        locate: (path) => this.locateIn(item, path, itemOffset),
      });
    }
  }

  /** Where a field inside a rule was written: its value, else the nearest enclosing node that exists. */
  private locateIn(item: unknown, path: string, offset: number): string {
    const segments = path
      .split(/[.[\]/]+/)
      .filter((s) => s !== "")
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    let node = this.deref(item);
    let best = offset;
    for (const seg of segments) {
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && p.key.value === seg);
        if (pair === undefined) break;
        if (isNode(pair.key)) best = pair.key.range?.[0] ?? best;
        next = pair.value;
      } else if (isSeq(node) && typeof seg === "number") {
        next = node.items[seg];
      } else break;
      next = this.deref(next);
      if (isNode(next) && next.range) best = next.range[0];
      node = next;
    }
    return this.nodeAt(null, best);
  }
}
