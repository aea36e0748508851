// Hash router: #/overview, #/traces?model=..., #/traces/<id>, #/sessions, #/sessions/<id>,
// #/alerts. Each view renders into <main> and registers its own cleanup (chart observers, timers).
import { renderAlerts } from "./alerts.js";
import { renderOverview } from "./overview.js";
import { renderSession, renderSessions } from "./sessions.js";
import { renderTrace } from "./trace-view.js";
import { renderTraces } from "./traces.js";

const VIEWS = {
  overview: renderOverview,
  traces: renderTraces,
  trace: renderTrace,
  sessions: renderSessions,
  session: renderSession,
  alerts: renderAlerts,
};

let current = null;
let busy = 0;

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const q = raw.indexOf("?");
  const path = q === -1 ? raw : raw.slice(0, q);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { parts, params: new URLSearchParams(q === -1 ? "" : raw.slice(q + 1)) };
}

/** Marks the page busy while `promise` runs; tests and people alike can tell when data is in. */
function track(promise) {
  busy++;
  document.body.dataset.busy = String(busy);
  return promise.finally(() => {
    busy--;
    document.body.dataset.busy = String(busy);
  });
}

async function route() {
  if (current) {
    current.abort.abort();
    for (const fn of current.cleanups) fn();
  }
  const { parts, params } = parseHash();
  let name = parts[0] ?? "overview";
  if (name === "traces" && parts[1]) name = "trace";
  if (name === "sessions" && parts[1]) name = "session";
  if (!VIEWS[name]) name = "overview";
  const nav = name === "trace" ? "traces" : name === "session" ? "sessions" : name;
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.view === nav);

  const abort = new AbortController();
  const cleanups = [];
  current = { abort, cleanups };
  const root = document.getElementById("view");
  root.replaceChildren();
  root.dataset.view = name;
  const ctx = {
    params,
    id: parts[1],
    signal: abort.signal,
    onCleanup: (fn) => cleanups.push(fn),
    track,
    /** Rewrites the hash's query without re-rendering (the view updates itself). */
    setParams(next) {
      const base = location.hash.replace(/\?.*$/, "") || "#/overview";
      const q = new URLSearchParams(next).toString();
      history.replaceState(null, "", q ? `${base}?${q}` : base);
    },
  };
  document.title = `tokentrace · ${nav[0].toUpperCase()}${nav.slice(1)}`;
  await track(Promise.resolve(VIEWS[name](root, ctx)).catch((err) => console.warn("view failed:", err)));
}

window.addEventListener("hashchange", route);
document.body.dataset.busy = "0";
route();
