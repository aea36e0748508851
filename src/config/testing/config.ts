import { type Config, DEFAULT_CONFIG } from "../types.js";

type HttpOverrides = Partial<Config["http_server"]>;

/** A full config for tests: memory storage, loopback port 0, with the given overrides. */
export function testConfig(http: HttpOverrides = {}, rest: Partial<Omit<Config, "http_server">> = {}): Config {
  const base = structuredClone(DEFAULT_CONFIG);
  return {
    ...base,
    storage: { ...base.storage, driver: "memory" },
    ...rest,
    http_server: { ...base.http_server, addr: "127.0.0.1:0", ...http },
  };
}
