// tracer.budget(name, { userId }): an app asks how much of a budget rule is left before it
// makes a call. One GET /budgets/{name} to the tracer's server; never throws into the app.

/** A budget's standing as GET /budgets/{name} answers it (the fields an app uses). */
export interface BudgetReading {
  name: string;
  /** USD for total_cost, tokens for total_tokens. */
  amount: number;
  spent: number;
  remaining: number;
  fraction: number;
  projected: number;
  /** When the period ends (RFC 3339). */
  resets_at: string;
  /** The group asked about, for a budget per user (or session, caller...). */
  group?: Record<string, string>;
}

/** Whose budget: the user's or session's for a rule with `group_by: [user_id]` (or session_id), or any group key. */
export interface BudgetOptions {
  userId?: string;
  sessionId?: string;
  /** Any other group_by key and value, e.g. { caller: "search" }. */
  group?: Record<string, string>;
}

/** A handle on one budget (and group); each call asks the server afresh. */
export interface BudgetHandle {
  /**
   * What is left this period, or null when the server cannot say (unreachable, no such
   * budget, a group key the rule does not use); the reason goes to onWarning. Whether a null
   * lets the call through is the app's choice.
   *
   * @example if (((await tracer.budget("monthly", { userId }).remaining()) ?? 1) <= 0) return tooExpensive();
   */
  remaining(): Promise<number | null>;
  /** The whole standing (spent, fraction, projected, resets_at), or null as above. */
  read(): Promise<BudgetReading | null>;
}

/** Reads GET /budgets/{name}?query from a server; resolves with the body or a reason. */
export type BudgetFetch = (name: string, query: Record<string, string>) => Promise<BudgetReading | string>;

/** The query of a budget's group: user_id, session_id, or the keys given. */
export function budgetQuery(o: BudgetOptions): Record<string, string> {
  return {
    ...(o.userId !== undefined && { user_id: o.userId }),
    ...(o.sessionId !== undefined && { session_id: o.sessionId }),
    ...o.group,
  };
}

/**
 * GET {base}/budgets/{name}?query with a bearer token and a timeout; the parsed body, or why not.
 * Never rejects.
 */
export async function fetchBudget(
  base: string,
  token: string | null,
  timeoutMs: number,
  name: string,
  query: Record<string, string>,
): Promise<BudgetReading | string> {
  try {
    const u = new URL(base);
    u.pathname = `${u.pathname.replace(/\/+$/, "").replace(/\/spans$/, "")}/budgets/${encodeURIComponent(name)}`;
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
    const res = await fetch(u, {
      headers: { accept: "application/json", ...(token !== null && { authorization: `Bearer ${token}` }) },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) {
      let why = `HTTP ${res.status}`;
      try {
        why += `: ${(JSON.parse(text) as { error?: string }).error ?? ""}`;
      } catch {}
      return why;
    }
    const body = JSON.parse(text) as BudgetReading;
    return typeof body.remaining === "number" ? body : "the answer has no remaining figure";
  } catch (err) {
    return String(err);
  }
}

/** The handle tracer.budget() returns, over a fetch and the tracer's warning sink. */
export function budgetHandle(
  name: string,
  opts: BudgetOptions,
  fetchOne: BudgetFetch | null,
  warn: (m: string) => void,
): BudgetHandle {
  const read = async (): Promise<BudgetReading | null> => {
    if (fetchOne === null) {
      warn(`tokentrace: budget "${name}": this tracer has no server to ask (an http transport or httpServer)`);
      return null;
    }
    const r = await fetchOne(name, budgetQuery(opts));
    if (typeof r === "string") {
      warn(`tokentrace: budget "${name}" could not be read: ${r}`);
      return null;
    }
    return r;
  };
  return {
    read,
    remaining: async () => (await read())?.remaining ?? null,
  };
}
