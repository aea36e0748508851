import type { Config } from "../config/types.js";

/**
 * Turns an error thrown while starting the server into one line a user can act on.
 * Expected failures (port in use, store locked, database unreachable) get no stack trace.
 */
export function describeStartupError(err: unknown, config: Config): string {
  const e = err as { code?: unknown; message?: unknown; path?: unknown; syscall?: unknown };
  const code = typeof e?.code === "string" ? e.code : "";
  const message = typeof e?.message === "string" ? e.message : String(err);
  const addr = config.http_server.addr;
  const storage = storageProblem(e, code, config);
  if (storage !== null) return storage;
  if (code === "EADDRINUSE") return `cannot listen on ${addr}: address already in use (is another tokentrace running?)`;
  if (code === "EACCES") return `cannot listen on ${addr}: permission denied (ports below 1024 need privileges)`;
  if (code === "EADDRNOTAVAIL") return `cannot listen on ${addr}: address not available on this machine`;
  if (code === "ENOTFOUND") return `cannot listen on ${addr}: unknown host`;
  if (/could not set lock|conflicting lock/i.test(message)) {
    return `the store ${config.storage.path} is locked by another process (another tokentrace serve or demo?): ${firstLine(message)}`;
  }
  if (config.storage.driver === "postgres" && (code === "ECONNREFUSED" || code === "28P01" || code === "3D000")) {
    return `cannot connect to PostgreSQL at ${redactUrl(config.storage.url ?? "")}: ${firstLine(message)}`;
  }
  return `cannot start: ${firstLine(message)}`;
}

/**
 * A file-system error on the way to the DuckDB file (creating its directory), as opposed to
 * the listen socket: both can be EACCES, only this one has a path.
 */
function storageProblem(e: { path?: unknown; syscall?: unknown }, code: string, config: Config): string | null {
  const path = typeof e?.path === "string" ? e.path : "";
  if (path === "" || e?.syscall === "listen") return null;
  const store = config.storage.path;
  const fix = "choose another place with --storage-path or TOKENTRACE_STORAGE_PATH";
  if (code === "EACCES" || code === "EPERM") {
    return `cannot create the store ${store}: permission denied on ${path}; ${fix}, or give this user write access`;
  }
  if (code === "EROFS") return `cannot create the store ${store}: ${path} is on a read-only file system; ${fix}`;
  if (code === "EEXIST" || code === "ENOTDIR") {
    return `cannot create the store ${store}: ${path} is not a directory (a file of that name is in the way); ${fix}`;
  }
  if (code === "ENOSPC") return `cannot create the store ${store}: no space left on the device of ${path}; ${fix}`;
  return null;
}

function firstLine(s: string): string {
  return s.split("\n")[0];
}

/** Hides the password in a database URL before printing it. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") u.password = "***";
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
  }
}
