import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { extname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

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
  const require = createRequire(import.meta.url);
  for (const name of ["uPlot.esm.js", "uPlot.min.css"]) {
    const file = require.resolve(`uplot/dist/${name}`);
    assets.set(`vendor/${name}`, { body: readFileSync(file), type: TYPES[extname(file)] });
  }
  return assets;
}
