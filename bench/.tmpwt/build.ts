import { loadDuckdb } from "../lib/generate.js";
console.log(await loadDuckdb());
