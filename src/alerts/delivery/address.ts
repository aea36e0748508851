import { BlockList, isIP } from "node:net";
import { type Delivery, deliveryUrl, hostListed, urlHost } from "../delivery-spec.js";

/** Address ranges an API-created rule may not send to, unless alerts.allowed_hosts lists the host. */
export type BlockedKind = "metadata" | "loopback" | "private" | "link-local" | "unspecified";

function list(v4: string[], v6: string[]): BlockList {
  const b = new BlockList();
  for (const net of v4) {
    const [ip, bits] = net.split("/");
    b.addSubnet(ip, Number(bits), "ipv4");
  }
  for (const net of v6) {
    const [ip, bits] = net.split("/");
    b.addSubnet(ip, Number(bits), "ipv6");
  }
  return b;
}

// Checked in this order: the cloud metadata addresses sit inside link-local and private ranges.
const RANGES: [BlockedKind, BlockList][] = [
  ["metadata", list(["169.254.169.254/32"], ["fd00:ec2::254/128"])],
  ["loopback", list(["127.0.0.0/8"], ["::1/128"])],
  ["private", list(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"], ["fc00::/7"])],
  ["link-local", list(["169.254.0.0/16"], ["fe80::/10"])],
  ["unspecified", list(["0.0.0.0/8"], ["::/128"])],
];

/** An IPv4 address written as IPv6 (::ffff:127.0.0.1, ::ffff:7f00:1) in its IPv4 form. */
function unmapped(ip: string): string {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (dotted) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip);
  if (!hex) return ip;
  const [hi, lo] = [Number.parseInt(hex[1], 16), Number.parseInt(hex[2], 16)];
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Which blocked range an IP address is in, or null (a public address, or not an IP at all). */
export function blockedKind(address: string): BlockedKind | null {
  const ip = unmapped(address.replace(/^\[|\]$/g, ""));
  const family = isIP(ip);
  if (family === 0) return null;
  const type = family === 4 ? "ipv4" : "ipv6";
  return RANGES.find(([, b]) => b.check(ip, type))?.[0] ?? null;
}

/**
 * Why sending to `address` (what `host` resolved to, or `host` itself when it is an IP
 * literal) is refused, or null when it is allowed: public addresses always are, blocked
 * ones only for a host alerts.allowed_hosts lists.
 *
 * @example refusal("localhost", "127.0.0.1", null) // "localhost resolves to a loopback address (127.0.0.1) ..."
 */
export function refusal(host: string, address: string, allowed: readonly string[] | null): string | null {
  const kind = blockedKind(address);
  if (kind === null || hostListed(host, allowed ?? [])) return null;
  const what = host.replace(/^\[|\]$/g, "") === address ? `${address} is` : `${host} resolves to`;
  return `${what} a ${kind} address${what.endsWith("is") ? "" : ` (${address})`}, which rules created through the API may not target unless alerts.allowed_hosts lists the host`;
}

/**
 * POST /alerts: a receiver URL whose host is an IP literal in a blocked range is refused
 * at once. Host names are checked on every send, on the addresses they resolve to then.
 */
export function literalRefusal(d: Delivery, allowed: readonly string[] | null): string | null {
  const url = deliveryUrl(d);
  if (url === null) return null;
  const host = urlHost(url);
  return isIP(unmapped(host)) === 0 ? null : refusal(host, host, allowed);
}
