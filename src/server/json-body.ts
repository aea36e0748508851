import type { FastifyInstance } from "fastify";
import { ApiError } from "../errors.js";

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
  if (text.includes("__proto__") && hasProtoKey(value)) {
    throw new ApiError("bad_json", 'malformed JSON: "__proto__" keys are not allowed');
  }
  return value;
}

/**
 * True when any object in the value has an own "__proto__" key. Walks with its own stack, not
 * by recursion: a body nested thousands deep (which JSON.parse accepts) once overflowed the
 * call stack here and answered 500.
 */
function hasProtoKey(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== "object") continue;
    if (!Array.isArray(value) && Object.hasOwn(value, "__proto__")) return true;
    // a loop, not push(...): spreading a long array overflows the stack as well
    for (const v of Array.isArray(value) ? value : Object.values(value)) if (typeof v === "object") stack.push(v);
  }
  return false;
}
