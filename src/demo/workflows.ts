import type { Span } from "../span/types.js";
import { int, logNormal, pick, type Rand, weighted } from "./random.js";
import type { TraceBuilder } from "./trace-builder.js";

/** One kind of request an application makes: a caller, a share of traffic and its steps. Every span of its traces carries `workflow: name`. */
export interface Workflow {
  name: string;
  caller: string;
  weight: number;
  run(b: TraceBuilder, r: Rand, start: number, promptVersion: string, qualityShift: number): void;
}

const tok = (r: Rand, median: number, sigma = 0.45) => Math.max(1, Math.round(logNormal(r, median, sigma)));

interface ModelChoice {
  model: string;
  provider: string;
  medianMs: number;
  quality: number;
}

const ANSWER_MODELS: [ModelChoice, number][] = [
  [{ model: "gpt-4o", provider: "openai", medianMs: 900, quality: 0.9 }, 50],
  [{ model: "claude-sonnet-4-5", provider: "anthropic", medianMs: 1200, quality: 0.91 }, 32],
  [{ model: "gpt-4o-mini", provider: "openai", medianMs: 520, quality: 0.83 }, 18],
];
const SUMMARY_MODELS: [ModelChoice, number][] = [
  [{ model: "gpt-4o-mini", provider: "openai", medianMs: 600, quality: 0.85 }, 65],
  [{ model: "gpt-4o", provider: "openai", medianMs: 1000, quality: 0.9 }, 35],
];

const ragAnswer: Workflow = {
  name: "rag-answer",
  caller: "chat-api",
  weight: 34,
  run(b, r, start) {
    const root = b.plain("rag-answer", null, start, 0);
    const embed = b.llm(
      {
        name: "embed-query",
        model: "text-embedding-3-small",
        provider: "openai",
        prompt: tok(r, 28),
        comp: 0,
        medianMs: 90,
      },
      root,
      start + 3,
    );
    const search = b.plain("vector-search", root, embed.ended_at + 2, logNormal(r, 45, 0.5), {
      "db.system": "pgvector",
      "retrieval.k": 8,
    });
    const m = weighted(r, ANSWER_MODELS);
    const prompt = tok(r, 3200, 0.35);
    b.llm(
      {
        name: "generate-answer",
        ...m,
        prompt,
        cached: r() < 0.4 ? Math.round(prompt * 0.6) : undefined,
        comp: tok(r, 260, 0.6),
        streaming: true,
      },
      root,
      search.ended_at + 2,
    );
    b.close(root);
  },
};

const summarize: Workflow = {
  name: "summarize-document",
  caller: "summarizer-service",
  weight: 26,
  run(b, r, start, promptVersion, qualityShift) {
    const m = weighted(r, SUMMARY_MODELS);
    const kind = pick(r, ["pdf", "email", "transcript", "contract"]);
    b.llm(
      {
        name: "summarize-document",
        ...m,
        quality: m.quality + qualityShift,
        prompt: tok(r, 3800, 0.6),
        comp: tok(r, 240, 0.4),
        attrs: { "document.type": kind, prompt_version: promptVersion },
      },
      null,
      start,
    );
  },
};

const supportTicket: Workflow = {
  name: "support-ticket",
  caller: "support-bot",
  weight: 20,
  run(b, r, start) {
    const priority = weighted(r, [
      ["low", 50],
      ["normal", 38],
      ["high", 12],
    ] as const);
    const root = b.plain("handle-ticket", null, start, 0, { "ticket.priority": priority });
    const cls = b.llm(
      {
        name: "classify-intent",
        model: "gpt-4o-mini",
        provider: "openai",
        prompt: tok(r, 420, 0.3),
        comp: int(r, 4, 12),
        medianMs: 300,
      },
      root,
      start + 4,
    );
    const tool = b.plain("lookup-account", root, cls.ended_at + 2, logNormal(r, 70, 0.6), {
      "tool.name": "crm.get_account",
    });
    const prompt = tok(r, 2600, 0.3);
    const draft = b.llm(
      {
        name: "draft-reply",
        model: "claude-sonnet-4-5",
        provider: "anthropic",
        prompt,
        cached: Math.round(prompt * 0.7),
        comp: tok(r, 330, 0.4),
        medianMs: 1100,
        quality: 0.88,
        streaming: true,
      },
      root,
      tool.ended_at + 2,
    );
    if (draft.status === "ok")
      b.llm(
        {
          name: "grade-reply",
          model: "claude-haiku-4-5",
          provider: "anthropic",
          prompt: tok(r, 900, 0.3),
          comp: int(r, 20, 60),
          medianMs: 450,
        },
        root,
        draft.ended_at + 2,
      );
    b.close(root);
  },
};

const extractInvoice: Workflow = {
  name: "extract-invoice",
  caller: "doc-ingest",
  weight: 13,
  run(b, r, start) {
    const pages = int(r, 1, 6);
    const root = b.plain("ingest-invoice", null, start, 0, { "document.pages": pages });
    const ex = b.llm(
      {
        name: "extract-fields",
        model: "gemini-2.5-flash",
        provider: "google",
        prompt: pages * tok(r, 1300, 0.25),
        comp: tok(r, 320, 0.3),
        medianMs: 700,
        quality: 0.87,
      },
      root,
      start + 3,
    );
    if (ex.status === "ok")
      b.llm(
        {
          name: "validate-fields",
          model: "gemini-2.5-flash-lite",
          provider: "google",
          prompt: tok(r, 700, 0.3),
          comp: tok(r, 30, 0.3),
          medianMs: 280,
        },
        root,
        ex.ended_at + 2,
      );
    b.close(root);
  },
};

const codeReview: Workflow = {
  name: "code-review",
  caller: "code-review",
  weight: 7,
  run(b, r, start) {
    const root = b.plain("review-pull-request", null, start, 0, {
      "repo.name": pick(r, ["web", "api", "billing", "mobile"]),
    });
    let t = start + 5;
    let last: Span = root;
    for (let i = int(r, 1, 4); i > 0; i--) {
      const reasoning = r() < 0.5 ? tok(r, 1400, 0.5) : 0;
      const call = reasoning
        ? { model: "o3-mini", provider: "openai", medianMs: 3500 }
        : { model: "claude-sonnet-4-5", provider: "anthropic", medianMs: 1500 };
      const comp = tok(r, 500, 0.4) + reasoning;
      last = b.llm(
        {
          name: "review-file",
          ...call,
          reasoning: reasoning || undefined,
          prompt: tok(r, 6000, 0.5),
          comp,
          quality: 0.86,
        },
        root,
        t,
      );
      t = last.ended_at + 3;
    }
    b.llm(
      {
        name: "summarize-review",
        model: "gpt-4o-mini",
        provider: "openai",
        prompt: tok(r, 1800, 0.3),
        comp: tok(r, 200, 0.3),
        medianMs: 500,
      },
      root,
      t,
    );
    b.close(root);
  },
};

export const WORKFLOWS: readonly Workflow[] = [ragAnswer, summarize, supportTicket, extractInvoice, codeReview];
