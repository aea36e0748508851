/** A listen address: host and port (0 picks a free port). */
export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * Reads http_server.addr in Go's host:port form: ":9090" is every interface, port 9090;
 * "127.0.0.1:0" picks a free port; "[::1]:9090" is IPv6. Returns null when malformed.
 *
 * @example parseAddr(":9090") // { host: "0.0.0.0", port: 9090 }
 */
export function parseAddr(addr: string): ListenAddress | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(addr.trim());
  if (m === null) return null;
  const port = Number(m[3]);
  if (port > 65535) return null;
  const host = m[1] ?? m[2];
  return { host: host === "" ? "0.0.0.0" : host, port };
}
