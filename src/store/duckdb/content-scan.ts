// Runs inside the store worker: a content search reads segments straight through.
import { type ContentLog, RECORD_HEADER, recordLength, textsAt } from "./content-log.js";

/** A record that holds the needle. */
export interface Hit {
  trace_id: string;
  span_id: string;
  started_at: number;
  segment: number;
  pos: number;
  len: number;
}

// Bytes read at once (a longer record is read whole).
const CHUNK = 4 << 20;

/** The text as a JS pattern matching itself. */
const regexLiteral = (text: string) => text.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);

/**
 * The records of one segment whose texts hold `needle` (case-insensitive), at most `most`.
 * An ASCII needle is matched over a chunk read as Latin-1 (a byte a character, so a
 * match's place is its byte offset, and no other byte case-folds into ASCII); any other
 * is matched record by record in UTF-8.
 */
export function scanSegment(log: ContentLog, hour: number, needle: string, most: number): Hit[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range check
  const ascii = /^[\x00-\x7f]*$/.test(needle);
  const every = new RegExp(regexLiteral(needle), "gi");
  const hits: Hit[] = [];
  const size = log.segments.size(hour);
  for (let pos = 0; pos + RECORD_HEADER <= size && hits.length < most; ) {
    let b = log.segments.read(hour, pos, Math.min(CHUNK, size - pos));
    if (b === null) break;
    // The records wholly in this chunk.
    const starts: number[] = [];
    let end = 0;
    while (end + RECORD_HEADER <= b.length && end + recordLength(b, end) <= b.length) {
      starts.push(end);
      end += recordLength(b, end);
    }
    if (starts.length === 0) {
      b = log.segments.read(hour, pos, recordLength(b, 0));
      if (b === null) break;
      starts.push(0);
      end = b.length;
    }
    const hit = (at: number) => {
      const ids = at + RECORD_HEADER;
      const traceLen = b.readUInt16LE(at + 24);
      hits.push({
        trace_id: b.toString("utf8", ids, ids + traceLen),
        span_id: b.toString("utf8", ids + traceLen, textsAt(b, at)),
        started_at: b.readDoubleLE(at + 16),
        segment: hour,
        pos: pos + at,
        len: recordLength(b, at),
      });
    };
    if (ascii) {
      const text = b.toString("latin1", 0, end);
      every.lastIndex = 0;
      let k = 0;
      for (let m = every.exec(text); m !== null && hits.length < most; m = every.exec(text)) {
        while (k < starts.length - 1 && starts[k + 1] <= m.index) k++;
        const at = starts[k];
        // A match in a record's header or ids is none.
        if (m.index >= textsAt(b, at)) {
          hit(at);
          every.lastIndex = at + recordLength(b, at);
        } else every.lastIndex = m.index + 1;
      }
    } else {
      const once = new RegExp(regexLiteral(needle), "i");
      for (const at of starts) {
        if (hits.length >= most) break;
        if (once.test(b.toString("utf8", textsAt(b, at), at + recordLength(b, at)))) hit(at);
      }
    }
    pos += end;
  }
  return hits;
}
