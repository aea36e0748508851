export {
  CONTENT_TYPES,
  CSV_HEADER,
  csvLine,
  EXPORT_COLUMNS,
  EXPORT_FORMATS,
  type ExportFormat,
  jsonLine,
} from "./format.js";
export { MANIFEST, type Manifest, type ManifestFile, readManifest } from "./manifest.js";
export { EXPORT_BATCH, type ExportRange, type ExportTally, spanPages } from "./pages.js";
export { type ExportRequest, parseExportQuery } from "./request.js";
export { type ExportRouteOptions, exportRoutes } from "./routes.js";
export { ScheduledExport, type ScheduleOptions } from "./schedule.js";
export { parseTimeBound, TIME_BOUND_HELP } from "./time.js";
export { sha256File, type WrittenFile, writeExportFile } from "./write.js";
