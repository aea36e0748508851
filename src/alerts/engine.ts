import { groupingOf } from "../metrics/params.js";
import type { MetricValueQuery } from "../metrics/query.js";
import type { AlertStatePart, JsonObject, Store } from "../store/store.js";
import type { RetryHooks, RetryPolicy } from "../util/retry.js";
import { baselineChange } from "./baseline.js";
import type { Baseline } from "./baseline-rule.js";
import { budgetPeriod } from "./budget.js";
import { evaluateBudgetRule } from "./budget-eval.js";
import { deliver } from "./delivery/deliver.js";
import { type Evaluation, evaluate, type Notification } from "./evaluate.js";
import { evaluateGroups, type GroupReading, initialGroupedState, summarizeGroups } from "./groups.js";
import { type RuleEntry, storedRules } from "./registry.js";
import { RoundReads } from "./round-reads.js";
import { type AlertRule, DEFAULT_MAX_GROUPS, ruleTiming, toSpanFilter } from "./rule.js";
import { type AlertState, type DeliveryOutcome, initialState, isSilenced, readState } from "./state.js";

/** The keys of a state a silence owns (Store.saveAlertStatePart "silence"). */
function silences(s: AlertState): Pick<AlertState, "silenced_until" | "group_silences"> {
  return { silenced_until: s.silenced_until, group_silences: s.group_silences };
}

export interface EngineOptions {
  store: Store;
  policy: RetryPolicy;
  hooks: RetryHooks;
  now: () => number;
  log: (line: string) => void;
  warn: (message: string) => void;
  /** alerts.allowed_hosts: rules created through the API may reach private addresses only on these hosts. */
  allowedHosts?: readonly string[] | null;
}

/**
 * The rules, their state and their deliveries. Each rule has its own delivery queue, so a
 * slow or failing receiver delays only its own rule's later notifications, never another
 * rule or the evaluation round. State is written through to the store, one write at a
 * time per rule, so a restart resumes where it left off.
 */
export class AlertEngine {
  readonly entries = new Map<string, RuleEntry>();
  private readonly states = new Map<string, AlertState>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly saves = new Map<string, Promise<void>>();
  /** State writes per rule so far: load() keeps a state written while it read the store. */
  private readonly writes = new Map<string, number>();
  /** The writes among them that own the silence ("silence" and "all" parts). */
  private readonly silenceWrites = new Map<string, number>();
  private readonly pending = new Set<Promise<void>>();
  private readonly lastError = new Map<string, string>();
  private readonly abort = new AbortController();

  constructor(private readonly o: EngineOptions) {}

  /**
   * Loads API rules and every rule's state from the store; code/config rules win name
   * clashes. Called again on a shared store to pick up what other instances wrote: writes
   * of this process still under way are awaited first, and a state this process writes
   * while the store is read is kept (it is newer than what was read).
   */
  async load(staticEntries: readonly RuleEntry[]): Promise<void> {
    await Promise.all([...this.saves.values()]);
    const seen = new Map(this.writes);
    const seenSilence = new Map(this.silenceWrites);
    const [stored, states] = await Promise.all([this.o.store.listAlertRules(), this.o.store.loadAlertStates()]);
    const before = new Map(this.entries);
    this.entries.clear();
    // a rule already known keeps its entry object, so its queued deliveries still record their outcome
    const keep = (e: RuleEntry) => {
      const old = before.get(e.rule.name);
      this.entries.set(e.rule.name, old && old.rule_id === e.rule_id ? old : e);
    };
    for (const e of staticEntries) keep(e);
    for (const e of storedRules(stored, this.o.warn)) {
      const clash = this.entries.get(e.rule.name);
      if (clash) {
        this.o.warn(
          `tokentrace: alert rule "${e.rule.name}" from the API is shadowed by the ${clash.source} rule of that name`,
        );
      } else keep(e);
    }
    const loaded = new Map<string, AlertState>();
    for (const name of this.entries.keys()) {
      const mine = this.states.get(name);
      const stored = Object.hasOwn(states, name) ? readState(states[name]) : undefined;
      if (this.writes.get(name) === seen.get(name)) {
        if (stored !== undefined) loaded.set(name, stored);
      } else if (mine !== undefined) {
        // Only a round was written meanwhile: it owns everything but the silence, and the
        // store's silence (set on any instance) is newer than the one the round started from.
        const roundOnly = this.silenceWrites.get(name) === seenSilence.get(name);
        loaded.set(name, roundOnly && stored !== undefined ? { ...mine, ...silences(stored) } : mine);
      }
    }
    this.states.clear();
    for (const [name, st] of loaded) this.states.set(name, st);
  }

  state(name: string): AlertState {
    return this.states.get(name) ?? initialState();
  }

  /**
   * Replaces a rule's state and writes it to the store (resolves once written). `part` says
   * which keys this write owns on a shared store (see Store.saveAlertStatePart); "all"
   * replaces the stored state.
   */
  setState(name: string, state: AlertState, part: AlertStatePart | "all" = "all"): Promise<void> {
    this.states.set(name, state);
    return this.persist(name, state, part);
  }

  forget(name: string): Promise<void> {
    this.states.delete(name);
    return this.persist(name, initialState(), "all");
  }

  private persist(name: string, state: AlertState, part: AlertStatePart | "all"): Promise<void> {
    this.writes.set(name, (this.writes.get(name) ?? 0) + 1);
    if (part !== "evaluation") this.silenceWrites.set(name, (this.silenceWrites.get(name) ?? 0) + 1);
    const json = JSON.parse(JSON.stringify(state)) as JsonObject;
    const store = this.o.store;
    const save = () =>
      part !== "all" && store.saveAlertStatePart
        ? store.saveAlertStatePart(name, json, part)
        : store.saveAlertState(name, json);
    const write = (this.saves.get(name) ?? Promise.resolve()).then(save);
    const settled = write.catch((err: unknown) =>
      this.o.warn(`tokentrace: saving alert state of "${name}" failed: ${String(err)}`),
    );
    this.saves.set(name, settled);
    this.track(settled);
    void settled.then(() => this.saves.get(name) === settled && this.saves.delete(name));
    return write;
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Evaluates every rule at `now`, one after the other; a failing rule does not stop the round. */
  async tick(now: number): Promise<void> {
    const reads = new RoundReads(this.o.store);
    for (const entry of [...this.entries.values()]) await this.evaluateRule(entry, now, reads);
  }

  private async evaluateRule(entry: RuleEntry, now: number, reads: RoundReads): Promise<void> {
    const { name } = entry.rule;
    let step: (state: AlertState) => Evaluation;
    try {
      step = await this.read(entry.rule, now, reads);
      this.lastError.delete(name);
    } catch (err) {
      // said once per distinct error, not every interval
      const msg = String(err);
      if (this.lastError.get(name) !== msg) this.o.warn(`tokentrace: evaluating alert rule "${name}" failed: ${msg}`);
      this.lastError.set(name, msg);
      return;
    }
    // deleted or replaced while the query ran
    if (this.entries.get(name) !== entry) return;
    // read the state after the await: a silence may have arrived meanwhile
    const out = step(this.state(name));
    // the silence is not the leader's to write: one set meanwhile on another instance stays
    const saved = this.setState(name, out.state, "evaluation");
    void saved.catch(() => undefined);
    // Delivered once the state (firing_since) is written: a leader taking over reads the same
    // episode start, so its notifications carry the same alertId. If the write fails the
    // notification still goes out: a duplicate page is better than a lost one.
    for (const n of out.notifications) this.enqueue(entry, n, saved);
  }

  /** Reads what the rule watches at `now`; returns the pure evaluation to run on its state. */
  private async read(rule: AlertRule, now: number, reads: RoundReads): Promise<(state: AlertState) => Evaluation> {
    const budget = rule.budget;
    // a budget's window is its calendar period so far
    const windowMs = budget ? now - budgetPeriod(budget, now).start + 1 : ruleTiming(rule).windowMs;
    // a score rule reads scores: span_count is then the number of scores with a value
    const q = { metric: rule.metric, windowMs, filter: toSpanFilter(rule.filter), score: rule.score };
    const key = rule.group_by?.[0];
    const maxGroups = rule.max_groups ?? DEFAULT_MAX_GROUPS;
    if (rule.baseline !== undefined)
      return this.readAgainstBaseline(rule, rule.baseline, q, now, key, maxGroups, reads);
    if (key === undefined) {
      const reading = await reads.value(q, now);
      if (budget) {
        const spend = { labels: null, spent: reading.value ?? 0, span_count: reading.span_count };
        return (state) => evaluateBudgetRule({ ...rule, budget }, state, now, [spend], maxGroups);
      }
      return (state) => evaluate(rule, state, now, reading);
    }
    const rows = await reads.byGroup({ ...q, groupBy: groupingOf(key).groupBy }, now);
    const readings: GroupReading[] = rows.map((r) => ({ ...r, labels: { [key]: r.group } }));
    return (state) => {
      let out: Evaluation;
      if (budget) {
        const spends = readings.map((r) => ({ labels: r.labels, spent: r.value ?? 0, span_count: r.span_count }));
        out = evaluateBudgetRule({ ...rule, budget }, state, now, spends, maxGroups);
      } else {
        const grouped = evaluateGroups(rule, state.grouped ?? initialGroupedState(), now, readings, {
          maxGroups,
          ruleSilencedUntil: state.silenced_until,
          groupSilences: state.group_silences,
        });
        out = { state: summarizeGroups(rule, state, grouped.state, now), notifications: grouped.notifications };
      }
      return this.noticeOverflow(rule, state, out, now);
    };
  }

  /** Adds the one too_many_groups notice when a group-by rule has just gone past max_groups. */
  private noticeOverflow(rule: AlertRule, before: AlertState, out: Evaluation, now: number): Evaluation {
    const after = out.state.grouped;
    if (after?.too_many_groups && !before.grouped?.too_many_groups) {
      const notice = `too_many_groups: ${after.groups_total} ${rule.group_by?.[0]} groups matched; the rule tracks at most ${rule.max_groups ?? DEFAULT_MAX_GROUPS} (max_groups)`;
      this.o.warn(`tokentrace: alert rule "${rule.name}" ${notice}`);
      const base = { rule, value: after.groups_total, span_count: 0, at: now, starts_at: now, ends_at: null };
      if (!isSilenced(before, now)) out.notifications.push({ ...base, status: "firing", notice });
    }
    return out;
  }

  /** A baseline rule's round: the change in percent of each reading against its baseline. */
  private async readAgainstBaseline(
    rule: AlertRule,
    baseline: Baseline,
    q: MetricValueQuery,
    now: number,
    key: string | undefined,
    maxGroups: number,
    reads: RoundReads,
  ): Promise<(state: AlertState) => Evaluation> {
    const none = { value: null, span_count: 0 };
    const groupBy = key === undefined ? undefined : groupingOf(key).groupBy;
    const base = await reads.baseline(q, baseline, now, groupBy);
    if (key === undefined || groupBy === undefined) {
      const reading = baselineChange(await reads.value(q, now), base.get(null) ?? none, rule.min_spans);
      return (state) => evaluate(rule, state, now, reading);
    }
    const rows = await reads.byGroup({ ...q, groupBy }, now);
    const readings: GroupReading[] = rows.map((r) => ({
      ...baselineChange(r, base.get(r.group) ?? none, rule.min_spans),
      labels: { [key]: r.group },
    }));
    return (state) => {
      const grouped = evaluateGroups(rule, state.grouped ?? initialGroupedState(), now, readings, {
        maxGroups,
        ruleSilencedUntil: state.silenced_until,
        groupSilences: state.group_silences,
      });
      const out = { state: summarizeGroups(rule, state, grouped.state, now), notifications: grouped.notifications };
      return this.noticeOverflow(rule, state, out, now);
    };
  }

  private enqueue(entry: RuleEntry, n: Notification, saved: Promise<void>): void {
    const { name } = entry.rule;
    const record = (outcome: DeliveryOutcome) => {
      if (this.entries.get(name) !== entry) return;
      void this.setState(name, { ...this.state(name), last_delivery: outcome }, "evaluation").catch(() => undefined);
    };
    const run = async () => {
      await saved.catch(() => undefined);
      const outcome = await deliver(n, {
        policy: this.o.policy,
        hooks: this.o.hooks,
        signal: this.abort.signal,
        now: this.o.now,
        log: this.o.log,
        guard: entry.source === "api" ? { allowedHosts: this.o.allowedHosts ?? null } : null,
        onProgress: record,
      });
      record(outcome);
      if (outcome.status !== "ok") {
        this.o.warn(
          `tokentrace: alert "${name}" ${n.status} notification failed after ${outcome.attempts} attempt(s): ${outcome.error}`,
        );
      }
    };
    const queued = (this.queues.get(name) ?? Promise.resolve()).then(run);
    this.queues.set(name, queued);
    this.track(queued);
    void queued.then(() => this.queues.get(name) === queued && this.queues.delete(name));
  }

  /** Resolves once every queued delivery and state write has finished. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Cuts retries short (in-flight requests are aborted) and waits for what is left. */
  async shutdown(): Promise<void> {
    this.abort.abort();
    await this.idle();
  }
}
