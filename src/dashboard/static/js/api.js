// Every call to the tokentrace API goes through here: bearer token, error envelope,
// "cannot reach the server" banner. The token lives in sessionStorage only, so it is
// forgotten when the tab closes and never written to disk by this page.

const TOKEN_KEY = "tokentrace.token";

/** An API answer that was not 2xx; `status` 0 means the server could not be reached. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let pendingToken = null;
// The scope of the token in use, as the server names it in X-Tokentrace-Scope on every
// authenticated answer; null while unknown or when the server needs no token.
let scope = null;

/** Whether the token may change things (create, silence, delete rules): admin, or no auth at all. */
export function canEdit() {
  return scope === null || scope === "admin";
}

function askForToken(refused) {
  if (pendingToken) return pendingToken;
  const dialog = document.getElementById("auth");
  const form = document.getElementById("auth-form");
  const input = document.getElementById("auth-token");
  document.getElementById("auth-error").hidden = !refused;
  input.value = "";
  pendingToken = new Promise((resolve) => {
    const done = (ev) => {
      ev.preventDefault();
      const token = input.value.trim();
      if (!token) return;
      sessionStorage.setItem(TOKEN_KEY, token);
      form.removeEventListener("submit", done);
      dialog.close();
      pendingToken = null;
      resolve();
    };
    form.addEventListener("submit", done);
    // Escape would leave the page without a way to retry; keep the dialog until a token is given.
    dialog.addEventListener("cancel", (ev) => ev.preventDefault(), { once: true });
    dialog.showModal();
    input.focus();
  });
  return pendingToken;
}

const banner = () => document.getElementById("banner");
let unreachable = false;

function showUnreachable(path) {
  unreachable = true;
  const el = banner();
  el.replaceChildren();
  const retry = document.createElement("button");
  retry.textContent = "Retry";
  retry.addEventListener("click", () => window.dispatchEvent(new Event("hashchange")));
  el.append(
    `Cannot reach the tokentrace API at ${location.origin} (${path}). Is \`tokentrace serve\` still running? `,
    retry,
  );
  el.hidden = false;
}

function clearUnreachable() {
  if (!unreachable) return;
  unreachable = false;
  banner().hidden = true;
}

/** Builds "metrics?window=1h" style paths; undefined, null and "" values are left out. */
export function withQuery(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/**
 * Calls the API relative to the page (so a reverse-proxy prefix keeps working) and returns
 * the parsed JSON, null for 204. Asks for a token on 401 and retries with it.
 * @example const m = await api("metrics?window=24h")
 */
export async function api(path, { method = "GET", body } = {}) {
  for (let attempt = 0; ; attempt++) {
    const headers = { accept: "application/json" };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let res;
    try {
      res = await fetch(new URL(path, document.baseURI), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      showUnreachable(`${method} /${path.split("?")[0]}`);
      throw new ApiError(0, "The API cannot be reached.");
    }
    clearUnreachable();
    scope = res.headers.get("x-tokentrace-scope") ?? (res.status === 401 ? scope : null);
    if (res.status === 401 && attempt < 5) {
      if (token) sessionStorage.removeItem(TOKEN_KEY);
      await askForToken(Boolean(token));
      continue;
    }
    if (res.status === 204) return null;
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      throw new ApiError(res.status, `The API answered ${res.status} with a body that is not JSON.`);
    }
    if (!res.ok) throw new ApiError(res.status, json?.error ?? `The API answered ${res.status}.`);
    return json;
  }
}
