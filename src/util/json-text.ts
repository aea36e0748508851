const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Index of the quote closing the string whose opening quote is at `open`; -1 when none. */
function stringEnd(text: string, open: number): number {
  let at = open;
  for (;;) {
    at = text.indexOf('"', at + 1);
    if (at < 0) return -1;
    // escaped when an odd number of backslashes precede it
    let k = at - 1;
    while (text.charCodeAt(k) === BACKSLASH) k--;
    if ((at - 1 - k) % 2 === 0) return at;
  }
}

/**
 * Where the elements of a top-level JSON array lie in `text`: [start, end) of each, one pair
 * after another, so each can be given to JSON.parse alone. Null when the text is not one array
 * or its outline is broken (an empty element, an unclosed string or bracket, text after the
 * array): JSON.parse of the whole text then says what is wrong. The outline is all this
 * checks; an element may still be malformed inside. Strings are skipped at the speed of
 * indexOf, so a body that is mostly text costs little more than finding its quotes.
 *
 * @example jsonArrayElements('[1, {"a":[2]}]') // [1, 2, 3, 13]
 */
export function jsonArrayElements(text: string): number[] | null {
  let i = 0;
  while (isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== OPEN_ARRAY) return null;
  const out: number[] = [];
  let depth = 0;
  let start = i + 1;
  let empty = true; // nothing but spaces since `start`
  for (i++; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i);
      if (i < 0) return null;
      empty = false;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      depth++;
      empty = false;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      if (depth > 0) {
        depth--;
        continue;
      }
      if (c !== CLOSE_ARRAY) return null;
      if (empty && out.length > 0) return null; // "[1,]"
      if (!empty) out.push(start, i);
      for (i++; i < text.length; i++) if (!isSpace(text.charCodeAt(i))) return null;
      return out;
    } else if (c === COMMA && depth === 0) {
      if (empty) return null; // "[,1]" or "[1,,2]"
      out.push(start, i);
      start = i + 1;
      empty = true;
    } else if (!isSpace(c)) empty = false;
  }
  return null;
}

/**
 * False when no key of the JSON text can be "__proto__": it neither holds the word nor an
 * escape of one of its letters (`\u005f` for "_", `\u006f` "o", `\u0070` "p", `\u0072` "r",
 * `\u0074` "t"), which JSON.parse would turn into the same key.
 */
export function mayHaveProtoKey(text: string): boolean {
  return text.includes("__proto__") || ESCAPED_PROTO_LETTER.test(text);
}

const ESCAPED_PROTO_LETTER = /\\u00[5-7]/;

/**
 * True when any object in the value has an own "__proto__" key. Walks with its own stack, not
 * by recursion: a body nested thousands deep (which JSON.parse accepts) once overflowed the
 * call stack here and answered 500.
 */
export function hasProtoKey(root: unknown): boolean {
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
