import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { extname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { SPAN_SCHEMA } from "../schema/span.js";

/** One file the dashboard serves, read once at start. */
export interface Asset {
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
};

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else if (TYPES[extname(e.name)]) out.push(p);
  }
  return out;
}

const FIELD_ORDER_SLOT = '<script type="application/json" id="span-field-order"></script>';

/** The page with the order of the trace view's Fields table (SPAN_SCHEMA shownAt) written in. */
function withFieldOrder(html: Buffer): Buffer {
  const shown = SPAN_SCHEMA.flatMap((f) => ("shownAt" in f ? [{ name: f.name, at: f.shownAt }] : []));
  const order = shown.sort((a, b) => a.at - b.at).map((f) => f.name);
  const text = html.toString("utf8");
  if (!text.includes(FIELD_ORDER_SLOT)) throw new Error("dashboard: index.html has no span-field-order element");
  return Buffer.from(text.replace(FIELD_ORDER_SLOT, FIELD_ORDER_SLOT.replace("></", `>${JSON.stringify(order)}</`)));
}

/**
 * Loads the page's files into memory, keyed by URL path below the asset prefix
 * ("index.html", "js/main.js", "vendor/uPlot.esm.js"). Serving only from this map means
 * no request path ever reaches the file system, so traversal is impossible by construction.
 * uPlot comes from the installed package (a runtime dependency), never from a CDN.
 */
export function loadAssets(
  staticDir: string = fileURLToPath(new URL("./static/", import.meta.url)),
): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const file of listFiles(staticDir)) {
    const key = relative(staticDir, file).split(sep).join("/");
    assets.set(key, { body: readFileSync(file), type: TYPES[extname(file)] });
  }
  const index = assets.get("index.html");
  if (index) assets.set("index.html", { ...index, body: withFieldOrder(index.body) });
  const require = createRequire(import.meta.url);
  for (const name of ["uPlot.esm.js", "uPlot.min.css"]) {
    const file = require.resolve(`uplot/dist/${name}`);
    assets.set(`vendor/${name}`, { body: readFileSync(file), type: TYPES[extname(file)] });
  }
  return assets;
}
