import type { FastifyInstance } from "fastify";
import { ApiError } from "../errors.js";
import { hasProtoKey, mayHaveProtoKey } from "../util/json-text.js";

/**
 * Replaces Fastify's JSON parser so a malformed body says where it broke
 * ("malformed JSON: Unexpected token } in JSON at position 10") instead of a generic line.
 * Keys named __proto__ are refused: they are never legitimate span data and would let a
 * later object merge change a prototype.
 */
export function installJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    let value: unknown;
    try {
      value = parseJsonBody(body as string);
    } catch (err) {
      done(err as Error, undefined);
      return;
    }
    done(null, value);
  });
}

/** A request body's JSON value; an ApiError (bad_json) says where and why it is not JSON. */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) throw new ApiError("bad_json", "malformed JSON: the body is empty");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ApiError("bad_json", `malformed JSON: ${(err as Error).message}`);
  }
  if (mayHaveProtoKey(text) && hasProtoKey(value)) {
    throw new ApiError("bad_json", 'malformed JSON: "__proto__" keys are not allowed');
  }
  return value;
}
