// Answers any call the OpenAI and Anthropic clients make (chat completions, responses,
// embeddings, messages; streamed or not) with a small, plausible body: for running code
// that was not written for a test, such as the examples in the docs.
import type { ServerResponse } from "node:http";
import { message, messageEvents } from "./anthropic-bodies.js";
import { type FakeRequest, json, sse } from "./fake-provider.js";
import { chatChunks, chatCompletion, embeddingBody, responseObject, responsesUsageBody } from "./openai-bodies.js";

const WORDS = ["Hello", " there", "."];

/** A handler for startFakeProvider({ fallback }). */
export function answerAnyCall(req: FakeRequest, res: ServerResponse): void {
  const model = typeof req.body.model === "string" ? req.body.model : "gpt-4o";
  const stream = req.body.stream === true;
  if (req.path.endsWith("/chat/completions")) {
    if (!stream) json(res, 200, chatCompletion(model, { prompt: 24, completion: 12 }));
    else {
      const usage = (req.body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
      const chunks = chatChunks(model, WORDS, usage ? { prompt: 24, completion: WORDS.length } : null);
      sse(res, [...chunks.map((data) => ({ data })), { data: "[DONE]" }]);
    }
  } else if (req.path.endsWith("/responses")) json(res, 200, responseObject(model, responsesUsageBody(24, 12, 0, 0)));
  else if (req.path.endsWith("/embeddings")) json(res, 200, embeddingBody(model, 8));
  else if (req.path.endsWith("/messages")) {
    if (stream) sse(res, messageEvents(model, { input: 24, output: 12 }, WORDS));
    else json(res, 200, message(model, { input: 24, output: 12 }));
  } else json(res, 404, { error: { message: `the fake provider does not answer ${req.method} ${req.path}` } });
}
