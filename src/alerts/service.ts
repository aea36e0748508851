/** Placeholder contract, to be completed by the alerts module: rules, state, scheduler lifecycle. */
export interface AlertService {
  start(): void;
  stop(): Promise<void>;
}
