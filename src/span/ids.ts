import { randomUUID } from "node:crypto";

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const HEX32_RE = /^[0-9a-fA-F]{32}$/;
const HEX16_RE = /^[0-9a-fA-F]{16}$/;

function hexToUuid(h: string): string {
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`.toLowerCase();
}

/**
 * Normalises a trace id: a UUID or 32 hex digits (the OTel/W3C form) becomes a lowercase
 * UUID, so the same trace written either way is one trace. Anything else is null.
 *
 * @example normalizeTraceId("0AF7651916CD43DD8448EB211C80319C") // "0af76519-16cd-43dd-8448-eb211c80319c"
 */
export function normalizeTraceId(id: string): string | null {
  if (id.length === 36) return UUID_RE.test(id) ? id.toLowerCase() : null;
  if (id.length === 32) return HEX32_RE.test(id) ? hexToUuid(id) : null;
  return null;
}

/**
 * Normalises a span id: a UUID or 32 hex digits become a lowercase UUID; 16 hex digits
 * (the OTel/W3C span id) stay 16 lowercase hex digits. Anything else is null.
 */
export function normalizeSpanId(id: string): string | null {
  if (id.length === 16) return HEX16_RE.test(id) ? id.toLowerCase() : null;
  return normalizeTraceId(id);
}

/** A fresh random id (UUID v4) for a trace or span that arrived without one. */
export function newId(): string {
  return randomUUID();
}
