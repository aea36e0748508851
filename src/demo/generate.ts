import type { Pricer } from "../pricing/index.js";
import type { Span } from "../span/types.js";
import { prng } from "../util/random.js";
import { int, normal, type Rand, weighted } from "./random.js";
import { type Conditions, TraceBuilder } from "./trace-builder.js";
import { WORKFLOWS } from "./workflows.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface DemoOptions {
  /** End of the generated period (epoch ms); traffic covers [now - days, now). */
  now: number;
  days: number;
  /** Average traces per day (a trace has 1 to 6 spans). */
  tracesPerDay: number;
  seed: number;
  /** Attribute that carries the quality score (config quality.score_attribute). */
  scoreAttribute: string;
  price: Pricer;
}

/**
 * Relative traffic at a moment: a working-day curve peaking mid-afternoon UTC, quieter
 * weekends, and a nightly batch of code reviews. Averages about 1 over a weekday.
 */
export function trafficAt(t: number): number {
  const d = new Date(t);
  const h = d.getUTCHours() + d.getUTCMinutes() / 60;
  const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
  const curve = 0.28 + 1.45 * Math.exp(-(((h - 15) / 4.2) ** 2));
  return (curve / 0.73) * (weekend ? 0.5 : 1);
}

/**
 * The story the demo tells, relative to `now`: an Anthropic outage three days ago,
 * a new summariser prompt (v4) two days ago that lowered quality, and gpt-4o slowing
 * down over the last 100 minutes (so a latency alert is firing when you look).
 */
function conditionsAt(t: number, now: number): Conditions {
  const outage = t >= now - 3 * DAY - 5 * HOUR && t < now - 3 * DAY - 4 * HOUR;
  const slow = t >= now - 100 * 60_000;
  const v4 = t >= now - 2 * DAY;
  return {
    errorRate: (provider) => (outage && provider === "anthropic" ? 0.45 : 0.012),
    slowdown: (model) => (outage && model.startsWith("claude") ? 2.5 : slow && model === "gpt-4o" ? 4 : 1),
    promptVersion: v4 ? "v4" : "v3",
    qualityShift: v4 ? -0.075 : 0,
  };
}

const TENANTS = [
  ["acme", 40],
  ["globex", 25],
  ["initech", 15],
  ["umbrella", 12],
  ["hooli", 8],
] as const;

/**
 * Who a trace served: most traces continue a conversation active in the last half hour (the
 * user's next turn), the rest start a new one for any of 900 users, so each user has a few.
 */
class Conversations {
  private active: { user_id: string; session_id: string; last: number }[] = [];

  constructor(private readonly r: Rand) {}

  next(t: number): { user_id: string; session_id: string } {
    this.active = this.active.filter((c) => t - c.last <= 30 * 60_000);
    if (this.active.length > 0 && this.r() < 0.6) {
      const c = this.active[Math.floor(this.r() * this.active.length)];
      c.last = t;
      return { user_id: c.user_id, session_id: c.session_id };
    }
    const c = { user_id: `user-${int(this.r, 1, 900)}`, session_id: `conv-${hexId(this.r, 10)}`, last: t };
    this.active.push(c);
    return { user_id: c.user_id, session_id: c.session_id };
  }
}

function hexId(r: Rand, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += Math.floor(r() * 16).toString(16);
  return s;
}

/**
 * Realistic traffic for the demo, one trace at a time in start order, every span already
 * normalised (costs from the price table, eval scores promoted). Deterministic for a seed.
 *
 * @example for (const spans of demoTraces({ now: Date.now(), days: 7, tracesPerDay: 2000, seed: 1, scoreAttribute: "eval.score", price })) ...
 */
export function* demoTraces(o: DemoOptions): Generator<Span[]> {
  const r = prng(o.seed);
  const from = o.now - o.days * DAY;
  const perHour = o.tracesPerDay / 24;
  const people = new Conversations(r);
  for (let hour = Math.floor(from / HOUR) * HOUR; hour < o.now; hour += HOUR) {
    const expected = perHour * trafficAt(hour + HOUR / 2);
    const count = Math.max(0, Math.round(expected + normal(r) * Math.sqrt(expected)));
    const starts: number[] = [];
    for (let i = 0; i < count; i++) starts.push(hour + Math.floor(r() * HOUR));
    // Nightly code-review batch at 02:00 UTC: a cost bump on the charts every day.
    const batch = new Date(hour).getUTCHours() === 2 ? int(r, 25, 40) : 0;
    starts.sort((a, b) => a - b);
    for (let i = 0; i < starts.length + batch; i++) {
      const start = i < starts.length ? starts[i] : hour + int(r, 0, 20 * 60_000);
      if (start < from || start >= o.now) continue;
      const wf =
        i < starts.length
          ? weighted(
              r,
              WORKFLOWS.map((w) => [w, w.weight] as const),
            )
          : WORKFLOWS[4];
      const cond = conditionsAt(start, o.now);
      const common = {
        workflow: wf.name,
        environment: "production",
        tenant: weighted(r, TENANTS),
        request_id: `req_${hexId(r, 12)}`,
      };
      // the nightly batch serves no one in particular
      const who = i < starts.length ? people.next(start) : { user_id: null, session_id: null };
      const b = new TraceBuilder(r, o.price, cond, wf.caller, common, o.scoreAttribute, who);
      wf.run(b, r, start, cond.promptVersion, cond.qualityShift);
      // A trace still running at `now` would end in the future: leave it out.
      if (b.spans.some((s) => s.ended_at > o.now)) continue;
      yield b.spans;
    }
  }
}
