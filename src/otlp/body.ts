import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";

/** Why a body could not be read; the route turns each into its OTLP status. */
export class BodyError extends Error {
  constructor(
    readonly kind: "too_large" | "bad_gzip" | "bad_encoding",
    message: string,
    /** Decompressed bytes produced before giving up (shows a bomb was not inflated whole). */
    readonly produced = 0,
  ) {
    super(message);
  }
}

export interface ReadBodyOptions {
  /** The Content-Encoding header: absent, "identity" or "gzip". */
  encoding: string | undefined;
  /** max_body_bytes, applied to the bytes on the wire and again after decompression. */
  limit: number;
}

/**
 * Reads a request body into one buffer, inflating gzip as it streams in. Both the compressed
 * and the decompressed byte counts are checked chunk by chunk, so a gzip bomb is abandoned
 * after at most `limit` plus one zlib chunk (16 KiB) of output instead of being inflated whole.
 */
export function readBody(source: Readable, opts: ReadBodyOptions): Promise<Buffer> {
  const encoding = (opts.encoding ?? "identity").trim().toLowerCase();
  if (encoding !== "identity" && encoding !== "gzip" && encoding !== "") {
    return Promise.reject(
      new BodyError("bad_encoding", `Content-Encoding "${encoding}" is not supported; use gzip or none`),
    );
  }
  const gzip = encoding === "gzip";
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let wire = 0;
    let size = 0;
    let done = false;
    const inflate = gzip ? createGunzip() : null;

    const finish = (err: Error | null) => {
      if (done) return;
      done = true;
      source.off("data", onWire);
      if (inflate) inflate.destroy();
      if (err) {
        // Stop reading; Node discards the rest of the request once the response is sent.
        source.resume();
        reject(err);
      } else resolve(Buffer.concat(chunks, size));
    };
    const tooLarge = (what: string) =>
      new BodyError("too_large", `request body ${what} exceeds max_body_bytes (${opts.limit} bytes)`, size);
    const onOutput = (chunk: Buffer) => {
      size += chunk.length;
      if (size > opts.limit) return finish(tooLarge(gzip ? "after gzip decompression" : "size"));
      chunks.push(chunk);
    };
    function onWire(chunk: Buffer) {
      wire += chunk.length;
      if (wire > opts.limit) return finish(tooLarge("size"));
      if (inflate) inflate.write(chunk);
      else onOutput(chunk);
    }

    let ended = false;
    source.on("data", onWire);
    source.once("error", (err) => finish(err));
    // A client that hangs up mid-body: without this the read would wait forever.
    source.once("close", () => {
      if (!ended) finish(new Error("the client closed the connection before the body was complete"));
    });
    source.once("end", () => {
      ended = true;
      if (!inflate) finish(null);
      else if (!done) inflate.end();
    });
    if (inflate) {
      inflate.on("data", onOutput);
      inflate.once("error", (err) =>
        finish(new BodyError("bad_gzip", `gzip body could not be decompressed: ${err.message}`)),
      );
      inflate.once("end", () => finish(null));
    }
  });
}
