import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * For the error answer to a body that could not be read (malformed, too large): Fastify
 * sends those with `Connection: close`, and a client reusing the connection sees it reset. When the body has been read in full
 * the connection stays open; when it is still arriving, up to `drainMax` more bytes are
 * read and dropped so the next request on the connection is understood. A body announced
 * larger than that gets `Connection: close`; a chunked one that goes on past it loses its
 * connection.
 */
export function keepConnection(request: FastifyRequest, reply: FastifyReply, drainMax: number): void {
  // a server that is closing sends Connection: close on purpose
  if (reply.getHeader("connection") !== "close" || !request.server.server.listening) return;
  const raw = request.raw;
  const declared = Number(request.headers["content-length"]);
  if (!raw.complete && Number.isFinite(declared) && declared > drainMax) return;
  reply.removeHeader("connection");
  let drained = 0;
  raw.on("data", (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > drainMax) raw.socket.destroy();
  });
  raw.resume();
}
