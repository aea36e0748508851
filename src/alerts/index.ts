import type { Config } from "../config/types.js";
import type { Store } from "../store/store.js";
import type { AlertService } from "./service.js";

export interface AlertServiceOptions {
  store: Store;
  config: Config;
  now: () => number;
  /** Rules passed in code (tracer config `alerts`); config rules come from config.alerts.rules. */
  codeRules: unknown[];
}

// Placeholder: the alerts work replaces this; null means "no alerting yet".
export async function createAlertService(_opts: AlertServiceOptions): Promise<AlertService | null> {
  return null;
}
export type { AlertService };
