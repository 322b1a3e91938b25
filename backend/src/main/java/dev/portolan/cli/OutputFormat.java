package dev.portolan.cli;

/** {@code -o}: an aligned table (the default), the API's JSON, or CSV with a header line. */
enum OutputFormat {
  table,
  json,
  csv
}
