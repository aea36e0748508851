import type { PresetName } from "./types.js";

/** One pattern of a preset; `accept` rejects matches the pattern alone cannot tell apart. */
export interface PresetPattern {
  re: RegExp;
  accept?: (match: string) => boolean;
  /**
   * A cheap test every text with an accepted match passes, run first: most text holds
   * nothing to redact, and a substring search is many times faster than a pattern that
   * starts with a lookbehind, most of all when the substring starts with a character rare
   * in prose (`-`, `_`, `/`, `@`), which V8 finds at memchr speed. presets.test.ts checks
   * each hint against the corpus.
   */
  hint?: (text: string) => boolean;
  /** Group 1 of the match is context (a key name) kept in front of the marker. */
  keepPrefix?: true;
}

/** Luhn checksum over the digits of a candidate card number. */
function luhn(text: string): boolean {
  let sum = 0;
  let double = false;
  let digits = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) continue;
    digits++;
    let d = c;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits >= 13 && digits <= 19 && sum % 10 === 0;
}

// An IPv6 candidate needs a digit and at most 8 groups: `a::b` in C++ or `dead::beef` in prose stay.
function ipv6(m: string): boolean {
  if (!/\d/.test(m)) return false;
  const groups = m.split(":").filter((g) => g !== "").length;
  return m.includes("::") ? groups <= 7 : groups === 8;
}

const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";

/**
 * The preset patterns, each global. Boundaries are explicit lookarounds rather than \b so a
 * key inside a longer token (a hash, a URL path) is still caught and a number inside a longer
 * number is not. Order inside a preset matters: the more specific pattern runs first.
 */
export const PRESETS: Record<PresetName, PresetPattern[]> = {
  secrets: [
    // PEM private keys, whole blocks (RSA, EC, OPENSSH, ENCRYPTED, plain PKCS#8).
    {
      re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----/g,
      hint: (t) => t.includes("-----BEGIN"),
    },
    // Anthropic before OpenAI: both start with "sk-".
    { re: /(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9]{2,10}\d{0,2}-[A-Za-z0-9_-]{20,}/g, hint: (t) => t.includes("-ant-") },
    {
      re: /(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}/g,
      hint: (t) => t.includes("-") && t.includes("sk-"),
    },
    // AWS access key ids, and secret keys named as such (40 base64 characters alone are too common).
    {
      re: /(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}(?![A-Z0-9])/g,
      hint: (t) => /A[KSGIRN][IP]A/.test(t),
    },
    {
      re: /(aws_?secret_?(?:access_?)?key["']?\s*[:=]\s*["']?)[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/gi,
      hint: (t) => (t.includes(":") || t.includes("=")) && /aws_?secret/i.test(t),
      keepPrefix: true,
    },
    // GitHub tokens (classic and fine-grained).
    {
      re: /(?<![A-Za-z0-9_])(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}(?![A-Za-z0-9_])/g,
      hint: (t) => t.includes("_") && /gh[pousr]_/.test(t),
    },
    { re: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{60,255}/g, hint: (t) => t.includes("_pat_") },
    // Slack tokens and incoming webhook URLs.
    { re: /(?<![A-Za-z0-9-])xox[abposr]-[A-Za-z0-9-]{10,}/g, hint: (t) => t.includes("xox") },
    {
      re: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/g,
      hint: (t) => t.includes("/services/"),
    },
    // JWTs: header and payload are base64url JSON objects, so both start with "eyJ".
    {
      re: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g,
      hint: (t) => t.includes(".eyJ"),
    },
  ],
  // 13-19 digits, optionally grouped by single spaces or dashes; kept only when Luhn-valid.
  credit_card: [{ re: /(?<![\d.-])\d(?:[ -]?\d){12,18}(?![\d-]|\.\d)/g, accept: luhn }],
  // A dotted domain with a letters-only TLD: `pkg@1.2.3`, `@decorator`, `user@localhost` stay.
  email: [
    {
      re: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])/g,
      hint: (t) => t.includes("@"),
    },
  ],
  // +country code or (area) forms, and 3-3-4 groups; dates (2026-03-15) and versions do not fit.
  phone: [
    {
      re: /(?<![\w+])\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]?\d{2,4}){1,4}(?![\w-])/g,
      hint: (t) => t.includes("+"),
    },
    { re: /(?<![\w(])(?:\(\d{3}\)\s?|\d{3}[.-])\d{3}[.-]\d{4}(?![\w-])/g, hint: (t) => /\d[.-]\d/.test(t) },
  ],
  ip: [
    { re: new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?![\\w]|\\.\\d)`, "g"), hint: (t) => /\d\.\d/.test(t) },
    {
      re: /(?<![\w:.])(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}(?![\w:])|(?<![\w:.])(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,6})?::(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,6})?(?![\w:])/g,
      accept: ipv6,
      // A match with a digit has a hex digit next to a colon.
      hint: (t) => t.includes(":") && /[\dA-Fa-f]:|:[\dA-Fa-f]/.test(t),
    },
  ],
};

/** The marker label each preset writes: `[REDACTED:secret]`, `[REDACTED:email]`, ... */
export const PRESET_LABELS: Record<PresetName, string> = {
  secrets: "secret",
  credit_card: "credit_card",
  email: "email",
  phone: "phone",
  ip: "ip",
};
