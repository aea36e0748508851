export {
  CONTENT_TYPES,
  CSV_HEADER,
  EXPORT_COLUMNS,
  EXPORT_FORMATS,
  type ExportFormat,
} from "./format.js";
export { type Manifest, type ManifestFile, readManifest } from "./manifest.js";
export { EXPORT_BATCH, type ExportRange, type ExportTally, spanPages } from "./pages.js";
export { type ExportRequest, parseExportQuery } from "./request.js";
export { type ExportRouteOptions, exportRoutes } from "./routes.js";
export { ScheduledExport, type ScheduleOptions } from "./schedule.js";
export { parseTimeBound, TIME_BOUND_HELP } from "./time.js";
export { type WrittenFile, writeExportFile } from "./write.js";
