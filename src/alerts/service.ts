import type { Config } from "../config/types.js";
import { ApiError } from "../errors.js";
import { findBadText } from "../schema/span.js";
import type { Store } from "../store/store.js";
import { parseDuration } from "../util/duration.js";
import { type RetryPolicy, sleep } from "../util/retry.js";
import { listBudgets, readBudget } from "./budgets.js";
import { literalRefusal } from "./delivery/address.js";
import { DEFAULT_RETRY } from "./delivery/retry.js";
import { deliveryUrl, hostAllowed } from "./delivery-spec.js";
import { AlertEngine } from "./engine.js";
import type { GroupLabels } from "./evaluate.js";
import { groupKey } from "./groups.js";
import { newRuleId, type RuleEntry, staticRules, toStored } from "./registry.js";
import { type AlertRule, describeErrors, isObject, validateRule } from "./rule.js";
import { Scheduler } from "./scheduler.js";
import type { AlertState } from "./state.js";
import { ruleView } from "./view.js";

/** A 503 for a store failure: the cause goes to the log, never to the client (it can name files or hosts). */
function storeFailure(what: string, err: unknown): string {
  console.error(`tokentrace: ${what}: ${err instanceof Error ? err.message : String(err)}`);
  return `${what} (the store is unavailable; the cause is in the server log)`;
}

export interface AlertServiceOptions {
  store: Store;
  config: Config;
  now: () => number;
  /** Rules passed in code (tracer config `alerts`); config rules come from config.alerts.rules. */
  codeRules: unknown[];
  /** Retry policy of deliveries (default 5 attempts, 1 s doubling, 30 s cap). */
  retry?: Partial<RetryPolicy>;
  /** Backoff wait; tests pass one that returns at once. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Jitter source in [0, 1). */
  random?: () => number;
  /** Where `log` deliveries are written (default stderr: `tokentrace serve` keeps stdout for its listening line). */
  log?: (line: string) => void;
  /** Operator warnings: failed deliveries, skipped stored rules (default console.error). */
  warn?: (message: string) => void;
}

/** Alert rules, their evaluation and their deliveries, behind the /alerts routes. */
export interface AlertService {
  /** Starts the scheduler: one round now, then every alerts.eval_interval. */
  start(): void;
  /** Stops evaluating, cuts delivery retries short and waits for writes. Idempotent. */
  stop(): Promise<void>;
  /**
   * On a shared store, reads the rules and states every instance wrote (call before list()
   * and get() to answer with them); on a store of one process, resolves at once.
   */
  sync(): Promise<void>;
  /** Every rule with its state, as GET /alerts shows it. */
  list(): Record<string, unknown>[];
  /** One rule as GET /alerts shows it; alert_not_found when unknown. */
  get(name: string): Record<string, unknown>;
  /** POST /alerts: validates and persists an API rule. */
  create(input: unknown): Promise<{ rule_id: string; name: string }>;
  /** DELETE /alerts/{name}: API rules only. */
  remove(name: string): Promise<void>;
  /** POST /alerts/{name}/silence with {"duration": "2h"}, or {"duration": "2h", "group": {"user_id": "u1"}}. */
  silence(name: string, input: unknown): Promise<{ silenced_until: string }>;
  /** DELETE /alerts/{name}/silence: lifts a silence early. */
  unsilence(name: string, group?: Record<string, unknown>): Promise<{ silenced_until: null }>;
  /** GET /budgets: every budget rule's standing this period. */
  budgets(): Promise<Record<string, unknown>>;
  /** GET /budgets/{name}: one budget's standing, of one group with `?KEY=value` on a group_by rule. */
  budget(name: string, query: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** One evaluation round at `now` (default: the clock), after any round in progress. */
  evaluateNow(now?: number): Promise<void>;
  /** Resolves once every queued delivery and state write has finished. */
  idle(): Promise<void>;
}

const MAX_SILENCE_MS = 366 * 86_400_000;

function notFound(name: string): ApiError {
  return new ApiError("alert_not_found", `no alert rule named "${name}"`);
}

/** Runs `fn` on fresh rules and states (see sharedAccess), or at once on a store of one process. */
type Access = <T>(fn: () => T | Promise<T>) => Promise<T>;

/**
 * On a shared store (several servers on one database) every read and change of rules and
 * silences first reloads them from the store, one at a time, so an instance answers with what
 * any instance wrote before the request came: a rule created, deleted or silenced on one is
 * seen on the others at once, not after their next evaluation round.
 */
function sharedAccess(engine: AlertEngine, statics: RuleEntry[]): Access {
  let queue: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => T | Promise<T>): Promise<T> => {
    const run = queue.then(async () => {
      try {
        await engine.load(statics);
      } catch (err) {
        throw new ApiError("store_unavailable", storeFailure("the alert rules could not be read from the store", err));
      }
      return fn();
    });
    queue = run.catch(() => undefined);
    return run;
  };
}

const direct: Access = async (fn) => fn();

class Alerts implements AlertService {
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly engine: AlertEngine,
    private readonly scheduler: Scheduler,
    private readonly o: AlertServiceOptions,
    private readonly access: Access,
  ) {}

  sync(): Promise<void> {
    return this.access(() => undefined);
  }

  start(): void {
    if (this.stopping === null) this.scheduler.start();
  }

  stop(): Promise<void> {
    this.stopping ??= this.scheduler.stop().then(() => this.engine.shutdown());
    return this.stopping;
  }

  list(): Record<string, unknown>[] {
    const now = this.o.now();
    return [...this.engine.entries.values()].map((e) => ruleView(e, this.engine.state(e.rule.name), now));
  }

  get(name: string): Record<string, unknown> {
    const e = this.entry(name);
    return ruleView(e, this.engine.state(name), this.o.now());
  }

  budgets(): Promise<Record<string, unknown>> {
    return listBudgets(this.o.store, this.engine.entries.values(), this.o.now());
  }

  budget(name: string, query: Record<string, unknown>): Promise<Record<string, unknown>> {
    return readBudget(this.o.store, this.engine.entries.get(name), name, query, this.o.now());
  }

  private entry(name: string): RuleEntry {
    const e = this.engine.entries.get(name);
    if (!e) throw notFound(name);
    return e;
  }

  async create(input: unknown): Promise<{ rule_id: string; name: string }> {
    const r = validateRule(input);
    if (!r.ok) throw new ApiError("invalid_alert", describeErrors(r.errors));
    const { rule } = r;
    if (!hostAllowed(rule.delivery, this.o.config.alerts.allowed_hosts)) {
      const host = new URL(deliveryUrl(rule.delivery) as string).hostname;
      throw new ApiError("invalid_alert", `delivery.url: host "${host}" is not in alerts.allowed_hosts`);
    }
    const refused = literalRefusal(rule.delivery, this.o.config.alerts.allowed_hosts);
    if (refused !== null) throw new ApiError("invalid_alert", `delivery.url: ${refused}`);
    return this.access(() => this.add(rule));
  }

  private async add(rule: AlertRule): Promise<{ rule_id: string; name: string }> {
    const existing = this.engine.entries.get(rule.name);
    if (existing) {
      const where = existing.source === "api" ? "" : ` (defined in ${existing.source})`;
      throw new ApiError("alert_exists", `an alert rule named "${rule.name}" already exists${where}`);
    }
    const entry: RuleEntry = { rule, source: "api", rule_id: newRuleId(), created_at: this.o.now() };
    // claimed before the first await, so two concurrent POSTs of one name cannot both win
    this.engine.entries.set(rule.name, entry);
    const store = this.o.store;
    let added = true;
    try {
      // on a shared store another instance may take the name between our read and this write
      if (store.addAlertRule) added = await store.addAlertRule(rule.name, toStored(entry));
      else await store.saveAlertRule(rule.name, toStored(entry));
      // a rule deleted earlier under this name leaves no state behind
      if (added) await this.engine.forget(rule.name);
    } catch (err) {
      if (this.engine.entries.get(rule.name) === entry) this.engine.entries.delete(rule.name);
      throw new ApiError("store_unavailable", storeFailure("the rule could not be saved", err));
    }
    if (!added) {
      if (this.engine.entries.get(rule.name) === entry) this.engine.entries.delete(rule.name);
      throw new ApiError("alert_exists", `an alert rule named "${rule.name}" already exists`);
    }
    return { rule_id: entry.rule_id, name: rule.name };
  }

  remove(name: string): Promise<void> {
    return this.access(() => this.removeNow(name));
  }

  private async removeNow(name: string): Promise<void> {
    const e = this.entry(name);
    if (e.source !== "api") {
      const where = e.source === "config" ? "tokentrace.yml" : "the tracer config";
      throw new ApiError(
        "alert_readonly",
        `alert rule "${name}" comes from ${where} (source ${e.source}); remove it there`,
      );
    }
    this.engine.entries.delete(name);
    try {
      await this.o.store.deleteAlertRule(name);
      await this.engine.forget(name);
    } catch (err) {
      this.engine.entries.set(name, e);
      throw new ApiError("store_unavailable", storeFailure("the rule could not be deleted", err));
    }
  }

  silence(name: string, input: unknown): Promise<{ silenced_until: string }> {
    return this.access(() => this.silenceNow(name, input));
  }

  private async silenceNow(name: string, input: unknown): Promise<{ silenced_until: string }> {
    const { rule } = this.entry(name);
    if (!isObject(input)) throw new ApiError("invalid_alert", 'the body must be an object such as {"duration": "2h"}');
    const ms = typeof input.duration === "string" ? parseDuration(input.duration) : null;
    if (ms === null) throw new ApiError("invalid_alert", 'duration: must be a duration such as "30m", "2h" or "1d"');
    if (ms > MAX_SILENCE_MS) throw new ApiError("invalid_alert", "duration: must be at most 366d");
    const now = this.o.now();
    const until = now + ms;
    const state = this.engine.state(name);
    if (input.group === undefined) await this.save(name, { ...state, silenced_until: until });
    else {
      const key = groupKey(checkGroup(rule, input.group));
      await this.save(name, { ...state, group_silences: { ...liveSilences(state, now), [key]: until } });
    }
    return { silenced_until: new Date(until).toISOString() };
  }

  /** Lifts the rule's silence, or with `group` (from the query: `?user_id=u1`) that group's. */
  unsilence(name: string, group?: Record<string, unknown>): Promise<{ silenced_until: null }> {
    return this.access(async () => {
      const { rule } = this.entry(name);
      const state = this.engine.state(name);
      if (group === undefined || Object.keys(group).length === 0) {
        await this.save(name, { ...state, silenced_until: null });
      } else {
        const key = groupKey(checkGroup(rule, group));
        const rest = liveSilences(state, this.o.now());
        delete rest[key];
        await this.save(name, { ...state, group_silences: rest });
      }
      return { silenced_until: null };
    });
  }

  private async save(name: string, state: ReturnType<AlertEngine["state"]>): Promise<void> {
    try {
      await this.engine.setState(name, state, "silence");
    } catch (err) {
      throw new ApiError("store_unavailable", storeFailure("the silence could not be saved", err));
    }
  }

  evaluateNow(now?: number): Promise<void> {
    return this.scheduler.runNow(now);
  }

  idle(): Promise<void> {
    return this.engine.idle();
  }
}

/**
 * Builds the alert service: validates code and config rules (an invalid one is a start-up
 * error), loads API rules and every rule's state from the store. Call start() to evaluate.
 *
 * @example const alerts = await createAlertService({ store, config, now: Date.now, codeRules: [] }); alerts.start();
 */
export async function createAlertService(opts: AlertServiceOptions): Promise<AlertService> {
  const statics = staticRules(opts.codeRules, opts.config.alerts.rules);
  const warn = opts.warn ?? ((m: string) => console.error(m));
  const engine = new AlertEngine({
    store: opts.store,
    policy: { ...DEFAULT_RETRY, ...opts.retry },
    hooks: { sleep: opts.sleep ?? sleep, random: opts.random ?? Math.random },
    now: opts.now,
    log: opts.log ?? ((line: string) => console.error(line)),
    warn,
    allowedHosts: opts.config.alerts.allowed_hosts,
  });
  await engine.load(statics);
  const tryLead = opts.store.tryLeadAlerts?.bind(opts.store);
  const access = tryLead ? sharedAccess(engine, statics) : direct;
  const scheduler = new Scheduler({
    intervalMs: opts.config.alerts.eval_interval_ms,
    now: opts.now,
    tick: (now) => engine.tick(now),
    // on a shared store only the leader evaluates (and so delivers), on fresh rules and silences
    lead: tryLead && (async () => (await tryLead()) && (await access(() => true))),
    onError: (err) => warn(`tokentrace: alert evaluation failed: ${String(err)}`),
  });
  return new Alerts(engine, scheduler, opts, access);
}

/** A silence's group: exactly the rule's group_by key, with a non-empty string value. */
function checkGroup(rule: AlertRule, group: unknown): GroupLabels {
  const key = rule.group_by?.[0];
  if (key === undefined)
    throw new ApiError("invalid_alert", "group: this rule has no group_by; silence the whole rule");
  if (!isObject(group) || Object.keys(group).length !== 1 || typeof group[key] !== "string" || group[key] === "") {
    throw new ApiError("invalid_alert", `group: must name the rule's group_by key, e.g. {"${key}": "..."}`);
  }
  const bad = findBadText(group[key], `group.${key}`);
  if (bad !== null) throw new ApiError("invalid_alert", `${bad[0]}: ${bad[1]}`);
  return { [key]: group[key] as string };
}

/** The group silences still in force at `now` (expired ones are dropped on the next write). */
function liveSilences(state: AlertState, now: number): Record<string, number> {
  return Object.fromEntries(Object.entries(state.group_silences ?? {}).filter(([, until]) => until > now));
}
