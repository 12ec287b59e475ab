// CSV in and out (RFC 4180) through papaparse. Output is formula-safe: a cell that starts
// with = + - @ tab or CR is prefixed with ' so spreadsheets show it instead of running it.
import Papa from "papaparse";
import type { FieldError } from "./errors";

/**
 * What makes a cell a formula: its first character, whatever follows. Papaparse's own
 * pattern (`escapeFormulae: true`) is anchored at both ends without the `s` flag, so a cell
 * with a line break after the formula (`=HYPERLINK(…)\n…`) slipped through it.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function toCsv(
  header: string[],
  rows: (string | number | boolean | null | undefined)[][],
): string {
  return Papa.unparse(
    {
      fields: header,
      data: rows.map((row) =>
        row.map((cell) => (cell === null || cell === undefined ? "" : String(cell))),
      ),
    },
    { escapeFormulae: FORMULA_START, newline: "\r\n", quotes: false },
  );
}

export interface ParsedCsv {
  header: string[];
  rows: Record<string, string>[];
  /** The 1-based line of the text each data row starts on: what a person reading it counts. */
  lines: number[];
  /** Parse problems, by 1-based data row. */
  errors: { row: number; message: string }[];
}

/** A line papaparse's greedy `skipEmptyLines` drops: nothing but blanks and separators. */
const BLANK_LINE = /^[\s,]*$/;

export function parseCsv(text: string): ParsedCsv {
  text = text.replace(/^\uFEFF/, "");
  const rows: Record<string, string>[] = [];
  const lines: number[] = [];
  const errors: ParsedCsv["errors"] = [];
  let header: string[] = [];
  // Row by row, to know where each one starts: rows are numbered for machines, lines for people.
  let cursor = 0;
  let line = 1;
  const advance = (to: number) => {
    for (let i = cursor; i < to && i < text.length; i++) if (text[i] === "\n") line += 1;
    cursor = Math.max(cursor, to);
  };
  Papa.parse<Record<string, string>>(text, {
    header: true,
    skipEmptyLines: "greedy",
    transformHeader: (h) => h.trim().toLowerCase(),
    step: (result) => {
      header = result.meta.fields ?? header;
      if (rows.length === 0) advance(text.indexOf("\n") + 1 || text.length); // the header line
      // Blank lines before this row were skipped: it starts after them.
      for (;;) {
        const end = text.indexOf("\n", cursor);
        const next = end === -1 ? text.length : end + 1;
        if (next >= text.length || !BLANK_LINE.test(text.slice(cursor, next))) break;
        advance(next);
      }
      rows.push(result.data);
      lines.push(line);
      // Missing trailing cells are empty optional columns, not errors.
      for (const e of result.errors)
        if (e.code !== "TooFewFields") errors.push({ row: rows.length, message: e.message });
      advance(result.meta.cursor);
    },
  });
  return { header, rows, lines, errors };
}

/**
 * Row errors (`rows.3.email`, as the API reports them) as a person reads them: "Line 4: not
 * a valid email address.", by the line of the pasted text or file the row starts on.
 */
export function lineMessages(errors: FieldError[], lines: number[]): string[] {
  return errors.map((e) => {
    const row = e.path.match(/^rows\.(\d+)/)?.[1];
    const message = e.message.replace(/^[A-Z](?=[a-z ])/, (m) => m.toLowerCase());
    if (!row) return e.message;
    return `Line ${lines[Number(row) - 1] ?? Number(row) + 1}: ${message}`;
  });
}
