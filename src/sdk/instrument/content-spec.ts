import type { ContentFields, OutputMessage } from "../content.js";

/** What a wrapper captures from a request before it is sent. */
export interface RequestContent {
  fields: ContentFields;
  /** Request parameters as gen_ai.request.* attributes. */
  params: Record<string, number>;
}

/** Assembles the output of a streamed response, item by item. */
export interface StreamContent {
  item(value: unknown): void;
  output(): OutputMessage[] | null;
}

/** How one client method's content maps onto the GenAI message shapes. */
export interface ContentSpec {
  request(body: Record<string, unknown>): RequestContent;
  /** Output of a non-streamed result. */
  response(value: unknown): OutputMessage[] | null;
  stream(): StreamContent;
}
