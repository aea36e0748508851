import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { Serialized } from "@langchain/core/load/serializable";
import type { LLMResult } from "@langchain/core/outputs";
import type { SpanStatus } from "../../span/types.js";
import { currentContext } from "../context.js";
import { statusOfError } from "../record.js";
import type { LLMCall, SpanHandle, Tracer } from "../types.js";
import { field, num } from "./call.js";

// Runs of a LangChain invocation become tokentrace spans: chat-model and LLM runs are LLM
// spans; chain, agent, retriever and tool runs are the grouping spans around them (their
// names and attributes are inherited by the calls inside, like tracer.span()).

type RunKind = "llm" | "chain" | "tool" | "retriever";

interface Run {
  span: SpanHandle;
  kind: RunKind;
  model?: string;
  provider?: string | null;
  t0?: number;
  ttft?: number | null;
}

export interface LangChainHandlerOptions {
  /** The tracer that records the spans. */
  tracer: Tracer;
}

function nameOf(s: Serialized | undefined, runName: string | undefined, fallback: string): string {
  if (typeof runName === "string" && runName !== "") return runName;
  const id = field(s, "id");
  if (Array.isArray(id) && typeof id[id.length - 1] === "string") return id[id.length - 1] as string;
  const n = field(s, "name");
  return typeof n === "string" && n !== "" ? n : fallback;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** The model from the invocation parameters (`model`, `model_name`, `modelName`), else LangSmith metadata. */
function modelOf(extra: Record<string, unknown> | undefined, metadata: Record<string, unknown> | undefined): string {
  const p = field(extra, "invocation_params");
  return (
    str(field(p, "model")) ??
    str(field(p, "model_name")) ??
    str(field(p, "modelName")) ??
    str(field(p, "deployment_name")) ??
    str(metadata?.ls_model_name) ??
    "unknown"
  );
}

/** Tokens from the message's usage_metadata (chat models), else llmOutput.tokenUsage (LLMs, older chat models). */
export function langchainUsage(
  output: LLMResult,
): Pick<LLMCall, "prompt_tokens" | "comp_tokens" | "cached_tokens" | "reasoning_tokens"> {
  let prompt = 0;
  let comp = 0;
  let cached: number | null = null;
  let reasoning: number | null = null;
  let found = false;
  for (const gens of output.generations ?? []) {
    for (const g of gens ?? []) {
      const u = field(g, "message", "usage_metadata");
      if (u === undefined) continue;
      found = true;
      prompt += num(field(u, "input_tokens")) ?? 0;
      comp += num(field(u, "output_tokens")) ?? 0;
      const c = num(field(u, "input_token_details", "cache_read"));
      if (c !== undefined) cached = (cached ?? 0) + c;
      const r = num(field(u, "output_token_details", "reasoning"));
      if (r !== undefined) reasoning = (reasoning ?? 0) + r;
    }
  }
  if (found) return { prompt_tokens: prompt, comp_tokens: comp, cached_tokens: cached, reasoning_tokens: reasoning };
  const t =
    field(output.llmOutput, "tokenUsage") ??
    field(output.llmOutput, "estimatedTokenUsage") ??
    field(output.llmOutput, "token_usage");
  return {
    prompt_tokens: num(field(t, "promptTokens")) ?? num(field(t, "prompt_tokens")) ?? 0,
    comp_tokens: num(field(t, "completionTokens")) ?? num(field(t, "completion_tokens")) ?? 0,
  };
}

/**
 * A LangChain.js callback handler that records every chat-model and LLM run as a
 * tokentrace LLM span (model, tokens, cost, latency, time to first token, errors), nested
 * in the trace of its chain, agent or tool runs. Never throws into LangChain.
 *
 * @example
 * const handler = new TokentraceCallbackHandler({ tracer });
 * await chain.invoke(input, { callbacks: [handler] });
 */
export class TokentraceCallbackHandler extends BaseCallbackHandler {
  name = "tokentrace";
  private readonly tracer: Tracer;
  private readonly runs = new Map<string, Run>();

  constructor(opts: LangChainHandlerOptions) {
    // Awaited (the handler is quick and never throws), so the span of a call is recorded
    // when invoke() returns, not at some later tick.
    super({ _awaitHandler: true });
    this.tracer = opts.tracer;
  }

  /** A span for a run: inside its parent run, else inside the current tokentrace span, else a new trace. */
  private open(runId: string, parentRunId: string | undefined, name: string, kind: RunKind): Run {
    const parent = parentRunId === undefined ? undefined : this.runs.get(parentRunId)?.span;
    const owner = currentContext()?.owner as SpanHandle | undefined;
    const span =
      parent?.startSpan(name) ??
      (owner !== undefined && typeof owner.startSpan === "function"
        ? owner.startSpan(name)
        : this.tracer.startTrace(name));
    const run: Run = { span, kind };
    this.runs.set(runId, run);
    return run;
  }

  private close(runId: string, status: SpanStatus = "ok"): void {
    const run = this.runs.get(runId);
    if (run === undefined) return;
    this.runs.delete(runId);
    run.span.end(status);
  }

  private guard(f: () => void): void {
    try {
      f();
    } catch {
      // Recording must never reach the host app.
    }
  }

  private startModel(
    llm: Serialized,
    runId: string,
    parentRunId: string | undefined,
    extra: Record<string, unknown> | undefined,
    tags: string[] | undefined,
    metadata: Record<string, unknown> | undefined,
    runName: string | undefined,
  ): void {
    this.guard(() => {
      const run = this.open(runId, parentRunId, nameOf(llm, runName, "llm"), "llm");
      run.model = modelOf(extra, metadata);
      run.provider = str(metadata?.ls_provider) ?? null;
      run.t0 = performance.now();
      run.ttft = null;
      const attrs: Record<string, string> = { "langchain.run_type": "llm" };
      if (tags !== undefined && tags.length > 0) attrs["langchain.tags"] = tags.join(",");
      run.span.setAttributes(attrs);
    });
  }

  override handleLLMStart(
    llm: Serialized,
    _prompts: string[],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    this.startModel(llm, runId, parentRunId, extraParams, tags, metadata, runName);
  }

  override handleChatModelStart(
    llm: Serialized,
    _messages: unknown[][],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    this.startModel(llm, runId, parentRunId, extraParams, tags, metadata, runName);
  }

  override handleLLMNewToken(token: string, _idx: unknown, runId: string): void {
    this.guard(() => {
      const run = this.runs.get(runId);
      if (run !== undefined && run.ttft === null && run.t0 !== undefined && token !== "") {
        run.ttft = performance.now() - run.t0;
      }
    });
  }

  private endModel(
    runId: string,
    status: SpanStatus,
    usage: ReturnType<typeof langchainUsage>,
    attrs?: Record<string, string>,
  ): void {
    this.guard(() => {
      const run = this.runs.get(runId);
      if (run === undefined) return;
      run.span.recordLLMCall({
        model: run.model ?? "unknown",
        provider: run.provider,
        ...usage,
        ttft_ms: run.ttft ?? null,
        status,
        ...(attrs !== undefined && { attributes: attrs }),
      });
      this.close(runId, status);
    });
  }

  override handleLLMEnd(output: LLMResult, runId: string): void {
    this.guard(() => {
      const responseModel =
        str(field(output.llmOutput, "model_name")) ??
        str(field(output.generations?.[0]?.[0], "message", "response_metadata", "model_name"));
      this.endModel(
        runId,
        "ok",
        langchainUsage(output),
        responseModel ? { "llm.response_model": responseModel } : undefined,
      );
    });
  }

  override handleLLMError(err: unknown, runId: string): void {
    const message = err instanceof Error ? err.message : String(err);
    this.endModel(
      runId,
      statusOfError(err),
      { prompt_tokens: 0, comp_tokens: 0 },
      {
        "error.type": err instanceof Error ? err.name : "Error",
        "error.message": message.slice(0, 500),
      },
    );
  }

  override handleChainStart(
    chain: Serialized,
    _inputs: unknown,
    runId: string,
    // The order LangChain's CallbackManager calls it with (its .d.ts lists runType fourth).
    parentRunId?: string,
    tags?: string[],
    _metadata?: Record<string, unknown>,
    runType?: string,
    runName?: string,
  ): void {
    this.guard(() => {
      const name = nameOf(chain, runName, "chain");
      const run = this.open(runId, parentRunId, name, "chain");
      const attrs: Record<string, string> = { "langchain.chain": name };
      if (runType !== undefined) attrs["langchain.run_type"] = runType;
      if (tags !== undefined && tags.length > 0) attrs["langchain.tags"] = tags.join(",");
      run.span.setAttributes(attrs);
    });
  }

  override handleChainEnd(_outputs: unknown, runId: string): void {
    this.guard(() => this.close(runId));
  }

  override handleChainError(err: unknown, runId: string): void {
    this.guard(() => this.close(runId, statusOfError(err)));
  }

  override handleToolStart(
    tool: Serialized,
    _input: string,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    _metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    this.guard(() => this.openNamed(tool, runName, "tool", runId, parentRunId));
  }

  /** A tool or retriever run: a group named after it, tagged with its kind. */
  private openNamed(
    what: Serialized,
    runName: string | undefined,
    kind: "tool" | "retriever",
    runId: string,
    parentRunId: string | undefined,
  ): void {
    const name = nameOf(what, runName, kind);
    this.open(runId, parentRunId, name, kind).span.setAttributes({
      [`langchain.${kind}`]: name,
      "langchain.run_type": kind,
    });
  }

  override handleToolEnd(_output: unknown, runId: string): void {
    this.guard(() => this.close(runId));
  }

  override handleToolError(err: unknown, runId: string): void {
    this.guard(() => this.close(runId, statusOfError(err)));
  }

  override handleAgentAction(action: { tool?: string }, runId: string): void {
    this.guard(() => {
      const run = this.runs.get(runId);
      if (run !== undefined && typeof action.tool === "string")
        run.span.setAttributes({ "langchain.agent_action": action.tool });
    });
  }

  override handleRetrieverStart(
    retriever: Serialized,
    _query: string,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    _metadata?: Record<string, unknown>,
    name?: string,
  ): void {
    this.guard(() => this.openNamed(retriever, name, "retriever", runId, parentRunId));
  }

  override handleRetrieverEnd(_documents: unknown, runId: string): void {
    this.guard(() => this.close(runId));
  }

  override handleRetrieverError(err: unknown, runId: string): void {
    this.guard(() => this.close(runId, statusOfError(err)));
  }
}
