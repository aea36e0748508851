export const MAIN_USAGE = `Usage: tokentrace <command> [options]

LLM observability: cost, latency, errors and quality of every model call.

Commands:
  serve          run the HTTP API (POST /spans, /metrics, /traces, /alerts, /v1/traces)
  check-config   validate tokentrace.yml and the environment; list every problem
  import FILE    send a FileTransport .jsonl file to a server
  demo           fill the store with realistic synthetic traffic
  rollups rebuild  recompute the DuckDB store's rollups from its spans (resumable)
  export         write the spans of a time range to Parquet, CSV or JSON Lines

Options:
  -h, --help     show help (also: tokentrace <command> --help)
  -v, --version  print the version

Configuration: ./tokentrace.yml (or --config FILE, or $TOKENTRACE_CONFIG), then
environment variables, then flags. See docs/configuration.md and docs/cli.md.`;

export const SERVE_USAGE = `Usage: tokentrace serve [options]

Runs the HTTP API until SIGTERM or SIGINT (Ctrl-C), then stops accepting requests,
commits every accepted span and exits 0. A second signal exits at once.

Options:
  --config FILE          config file (default: $TOKENTRACE_CONFIG or ./tokentrace.yml when present)
  --addr ADDR            listen address host:port, e.g. :9090 or 127.0.0.1:0 (env TOKENTRACE_ADDR)
  --storage-driver NAME  duckdb | postgres | memory (env TOKENTRACE_STORAGE_DRIVER)
  --storage-path PATH    DuckDB file (env TOKENTRACE_STORAGE_PATH)
  --storage-url URL      PostgreSQL URL (env TOKENTRACE_STORAGE_URL or DATABASE_URL)
  --demo                 fill the store with demo traffic first (memory store unless a driver is given)
  -h, --help             show this help

Prints one line to stdout once listening: tokentrace listening on http://HOST:PORT`;

export const CHECK_CONFIG_USAGE = `Usage: tokentrace check-config [--config FILE]

Loads the configuration exactly as \`tokentrace serve\` would (file, environment, defaults),
prints OK and a summary, or every problem with file:line:col and exits 1.

Options:
  --config FILE   config file (default: $TOKENTRACE_CONFIG or ./tokentrace.yml when present)
  -h, --help      show this help`;

export const ROLLUPS_USAGE = `Usage: tokentrace rollups rebuild [--config FILE]

Recomputes the DuckDB store's rollups (hour and day aggregates, sketches, declared
dimensions) from its spans, one day per transaction, with a progress bar on a terminal.
Run it with the server stopped. Killed midway, running it again resumes where it stopped.
A server started meanwhile also finishes it in the background.

Options:
  --config FILE   config file (default: $TOKENTRACE_CONFIG or ./tokentrace.yml when present)`;
