import type { ConfigProblem } from "./errors.js";
import type { ListItem } from "./source.js";
import { type ScopedToken, TOKEN_SCOPES, type TokenScope } from "./types.js";

const KEYS = ["token", "scope"];

/**
 * Reads `auth.tokens`: each entry `{ token, scope }` with a non-empty token (an unset
 * `${VAR}` is a problem: a token that silently vanished would lock its clients out) and a
 * scope of ingest, read or admin. Problems never quote a token.
 */
export function readTokens(
  items: readonly ListItem[],
  authToken: string | null,
  problems: ConfigProblem[],
): ScopedToken[] {
  const out: ScopedToken[] = [];
  const seen = new Map<string, number>();
  if (authToken !== null) seen.set(authToken, -1);
  items.forEach((item, i) => {
    const path = `auth.tokens[${i}]`;
    const v = item.value;
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      problems.push({ where: item.where, path, message: "must be a mapping such as { token: ..., scope: read }" });
      return;
    }
    const entry = v as Record<string, unknown>;
    const before = problems.length;
    for (const key of Object.keys(entry)) {
      if (!KEYS.includes(key)) {
        problems.push({ where: item.locate(key), path: `${path}.${key}`, message: "unknown key; known: token, scope" });
      }
    }
    const { token, scope } = entry;
    if (typeof token !== "string" || token.trim() === "") {
      const unset = token === "" ? " (is the variable it names set?)" : "";
      problems.push({
        where: item.locate("token"),
        path: `${path}.token`,
        message: `must be a non-empty string${unset}`,
      });
    } else if (seen.has(token)) {
      const first = seen.get(token) as number;
      const other = first === -1 ? "http_server.auth_token" : `auth.tokens[${first}]`;
      problems.push({ where: item.locate("token"), path: `${path}.token`, message: `is the same token as ${other}` });
    } else seen.set(token, i);
    if (typeof scope !== "string" || !(TOKEN_SCOPES as readonly string[]).includes(scope)) {
      problems.push({
        where: item.locate("scope"),
        path: `${path}.scope`,
        message: `must be one of ${TOKEN_SCOPES.join(", ")}`,
      });
    }
    if (problems.length === before) out.push({ token: token as string, scope: scope as TokenScope });
  });
  return out;
}
