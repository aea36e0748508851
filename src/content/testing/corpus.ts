import type { PresetName } from "../types.js";

/**
 * Redaction corpus: for each preset, texts holding a value it must mask (`hit`, the exact
 * substring) and near-misses it must leave alone (`hit: null`). Test values only: the keys
 * are made up and the card numbers are the card networks' published test numbers.
 */
export interface CorpusItem {
  preset: PresetName;
  text: string;
  hit: string | null;
  /** A known limit: the preset gets this one wrong (docs/content.md lists them). */
  limit?: true;
}

const fake = (prefix: string, n: number, alphabet = "aB3dE5gH7jK9mN1pQ2sT4vW6yZ8") =>
  prefix + Array.from({ length: n }, (_, i) => alphabet[(i * 7 + 3) % alphabet.length]).join("");

const JWT =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const PEM = `-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n-----END RSA PRIVATE KEY-----`;

export const CORPUS: CorpusItem[] = [
  // secrets
  { preset: "secrets", text: `OPENAI_API_KEY=${fake("sk-proj-", 48)}`, hit: fake("sk-proj-", 48) },
  { preset: "secrets", text: `use key ${fake("sk-", 48)} for now`, hit: fake("sk-", 48) },
  { preset: "secrets", text: `x-api-key: ${fake("sk-ant-api03-", 93)}`, hit: fake("sk-ant-api03-", 93) },
  { preset: "secrets", text: "aws_access_key_id = AKIAIOSFODNN7EXAMPLE", hit: "AKIAIOSFODNN7EXAMPLE" },
  {
    preset: "secrets",
    text: "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    hit: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  },
  { preset: "secrets", text: `git clone https://${fake("ghp_", 36)}@github.com/o/r`, hit: fake("ghp_", 36) },
  {
    preset: "secrets",
    text: `token: ${fake("github_pat_11ABCDEFG0", 72, "abcdefghij0123456789_")}`,
    hit: fake("github_pat_11ABCDEFG0", 72, "abcdefghij0123456789_"),
  },
  {
    preset: "secrets",
    text: "SLACK_BOT_TOKEN=xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp",
    hit: "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp",
  },
  {
    preset: "secrets",
    text: "post to https://hooks.slack.com/services/T0ABC1234/B0DEF5678/abcdEFGHijklMNOPqrstUVWX",
    hit: "https://hooks.slack.com/services/T0ABC1234/B0DEF5678/abcdEFGHijklMNOPqrstUVWX",
  },
  { preset: "secrets", text: `Authorization: Bearer ${JWT}`, hit: JWT },
  { preset: "secrets", text: `here is the key:\n${PEM}\nthanks`, hit: PEM },
  {
    preset: "secrets",
    text: "password: hunter2-Correct-Horse-Battery",
    hit: "hunter2-Correct-Horse-Battery",
    limit: true,
  },
  { preset: "secrets", text: "the sk-learn docs say use sk-learn for this task", hit: null },
  { preset: "secrets", text: "ask-ant-colony-optimisation-is-a-known-method-indeed", hit: null },
  { preset: "secrets", text: "AKIA is the prefix of AWS access key ids", hit: null },
  {
    preset: "secrets",
    text: "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1L\n-----END PUBLIC KEY-----",
    hit: null,
  },
  { preset: "secrets", text: "ghp_ tokens are 40 characters; ghp_short is not one", hit: null },
  { preset: "secrets", text: "the commit sha is 3f786850e387550fdab836ed7e6dc881de23001b", hit: null },
  { preset: "secrets", text: "eyJ is how base64 JSON starts: eyJhbGciOiJIUzI1NiJ9 alone is a header", hit: null },
  // credit cards
  { preset: "credit_card", text: "card 4111 1111 1111 1111 exp 12/29", hit: "4111 1111 1111 1111" },
  { preset: "credit_card", text: "Visa 4012888888881881, please charge it", hit: "4012888888881881" },
  { preset: "credit_card", text: "amex: 3782-822463-10005", hit: "3782-822463-10005" },
  { preset: "credit_card", text: "mc 5555-5555-5555-4444.", hit: "5555-5555-5555-4444" },
  { preset: "credit_card", text: "order id 4111111111111112 (fails Luhn)", hit: null },
  { preset: "credit_card", text: "tracking 1234 5678 9012 3456 arrives Monday", hit: null },
  { preset: "credit_card", text: "timestamp 1700000000000 in ms", hit: null },
  { preset: "credit_card", text: "request id 4242424242424242 in the log", hit: null, limit: true },
  { preset: "credit_card", text: "card 4111 1111 1111 111 (one digit short)", hit: null },
  { preset: "credit_card", text: "pi is 3.14159265358979323846", hit: null },
  // email
  { preset: "email", text: "write to jane.doe+billing@example.co.uk today", hit: "jane.doe+billing@example.co.uk" },
  { preset: "email", text: "From: ops@tokentrace.dev", hit: "ops@tokentrace.dev" },
  { preset: "email", text: '<a href="mailto:SALES@Example.COM">', hit: "SALES@Example.COM" },
  { preset: "email", text: 'Reply-To: "Support" <help-desk@mail.example.org>', hit: "help-desk@mail.example.org" },
  { preset: "email", text: "git remote add origin git@github.com:acme/app.git", hit: null, limit: true },
  { preset: "email", text: "contact: jane at example dot com", hit: null },
  { preset: "email", text: "npm i @types/node@20.19.43 --save-dev", hit: null },
  { preset: "email", text: "@Component({ selector: 'app' }) class A {}", hit: null },
  { preset: "email", text: "ssh deploy@localhost -p 2222", hit: null },
  { preset: "email", text: "const re = /^[^@]+@[^@]+$/; // an email-like check in code", hit: null },
  { preset: "email", text: "docker pull node@sha256:abcdef0123", hit: null },
  // phone
  { preset: "phone", text: "call me at +1 415-555-0132 tomorrow", hit: "+1 415-555-0132" },
  { preset: "phone", text: "office: (415) 555-0199", hit: "(415) 555-0199" },
  { preset: "phone", text: "Tel +44 20 7946 0958", hit: "+44 20 7946 0958" },
  { preset: "phone", text: "mobile 415.555.0100", hit: "415.555.0100" },
  { preset: "phone", text: "released on 2026-03-15 at 14:23", hit: null },
  { preset: "phone", text: "upgrade to version 10.2.3-1", hit: null },
  { preset: "phone", text: "invoice 2024-0001-553 is overdue", hit: null },
  { preset: "phone", text: "part number 555-123-4567 is in stock", hit: null, limit: true },
  { preset: "phone", text: "call 0044 20 7946 0958 from abroad", hit: "0044 20 7946 0958", limit: true },
  { preset: "phone", text: "the result was +12.5% over 2025", hit: null },
  // ip
  { preset: "ip", text: "request from 203.0.113.42 blocked", hit: "203.0.113.42" },
  { preset: "ip", text: "listen on 10.0.0.1:8080", hit: "10.0.0.1" },
  { preset: "ip", text: "ipv6 2001:db8:85a3::8a2e:370:7334 seen", hit: "2001:db8:85a3::8a2e:370:7334" },
  { preset: "ip", text: "loopback ::1 only", hit: "::1" },
  { preset: "ip", text: "version 1.2.3 of the library", hit: null },
  { preset: "ip", text: "999.1.1.1 is not an address", hit: null },
  { preset: "ip", text: "std::vector<int> v; a::b::c", hit: null },
  { preset: "ip", text: "meeting at 12:30:45 today", hit: null },
  { preset: "ip", text: "upgrade from 4.2.0.1 to 4.3.0.0", hit: null, limit: true },
  { preset: "ip", text: "section 1.2.3.4.5 of the spec", hit: null },
];
