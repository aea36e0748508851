import { jsonArrayElements, mayHaveProtoKey } from "../util/json-text.js";

// String.prototype.isWellFormed (Node 20) is newer than the ES2022 library types.
type WellFormed = { isWellFormed(): boolean };

/**
 * A POST /spans body, parsed one span at a time: an array body's spans are cut out of the
 * text (jsonArrayElements) and each is parsed when the route reaches it, so only one span's
 * content is alive as JS values at a time instead of the whole body's. With ~4 KB of content
 * a span, a parsed 1000-span body outlived several young-generation collections and was
 * copied by each of them (scavenges took 1.33 s for 75,000 spans, 0.55 s after).
 * Any other body (one span object, text that may hold a "__proto__" key, text whose outline is
 * not one array) is parsed whole at once, as every other JSON route does.
 */
export class SpanBody {
  private constructor(
    private readonly text: string,
    /** Parses a text whole, throwing bad_json that says where it breaks (the app's JSON parser). */
    private readonly parseWhole: (text: string) => unknown,
    /** [start, end) of each element of an array body; null when parsed whole. */
    private readonly at: number[] | null,
    /** The parsed value when parsed whole. */
    readonly whole: unknown,
  ) {}

  /**
   * The body of this text; `parseWhole` (the app's JSON parser) parses what is not read span by
   * span, and says where malformed text breaks. Throws its bad_json when the text is not JSON
   * at all (empty, a broken outline, "__proto__" keys).
   */
  static of(text: string, parseWhole: (text: string) => unknown): SpanBody {
    const at = mayHaveProtoKey(text) ? null : jsonArrayElements(text);
    return new SpanBody(text, parseWhole, at, at === null ? parseWhole(text) : undefined);
  }

  /** A body some other way already parsed (or none: a request without one). */
  static parsed(value: unknown): SpanBody {
    return new SpanBody("", () => value, null, value);
  }

  /** An array body, read span by span through count and span(i). */
  get isArray(): boolean {
    return this.at !== null || Array.isArray(this.whole);
  }

  get count(): number {
    if (this.at !== null) return this.at.length / 2;
    return Array.isArray(this.whole) ? this.whole.length : 1;
  }

  /** Element i of an array body; throws bad_json when the body is not JSON. */
  span(i: number): unknown {
    if (this.at === null) return (this.whole as unknown[])[i];
    try {
      return JSON.parse(this.text.slice(this.at[2 * i], this.at[2 * i + 1]));
    } catch {
      // the whole text says where it breaks, as the other routes do
      return (this.parseWhole(this.text) as unknown[])[i];
    }
  }

  /**
   * True when no string in the body can hold a NUL or a lone surrogate, so the text rule
   * need not look: JSON text can only carry either as a `\u` escape (a raw control character
   * is not JSON, and text decoded from UTF-8 holds no lone surrogate). Only an array body read
   * from its text can tell; any other says false.
   */
  get escapeFree(): boolean {
    this.#escapeFree ??=
      this.at !== null && !this.text.includes("\\u") && (this.text as unknown as WellFormed).isWellFormed();
    return this.#escapeFree;
  }

  #escapeFree: boolean | undefined;

  /**
   * Throws bad_json when the body is not JSON. Errors found while reading spans call this
   * first: malformed JSON anywhere is the answer, as when bodies were parsed before reading.
   */
  checkJson(): void {
    if (this.at !== null) this.parseWhole(this.text);
  }
}
