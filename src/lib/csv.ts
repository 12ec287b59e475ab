// CSV in and out (RFC 4180) through papaparse. Output is formula-safe: a cell that starts
// with = + - @ tab or CR is prefixed with ' so spreadsheets show it instead of running it.
import Papa from "papaparse";
import { adminDictionary, DEFAULT_LANG, fill, formatNumber, type Lang } from "../i18n";
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

/** A check's English message, worded in the organiser's language when it is a known one. */
function csvMessage(message: string, lang: Lang): string {
  const t = adminDictionary(lang).csv;
  if (
    /^(not a valid email address|invalid email address|enter a valid email address)/i.test(message)
  )
    return t.email;
  const known: [RegExp, (m: RegExpExecArray) => string][] = [
    [/^The role must be one of (.+)\.$/, (m) => fill(t.role, { roles: m[1]! })],
    [/^Use (.+)\.$/, (m) => fill(t.language, { languages: m[1]! })],
    [/^Unknown topics: (.+)\.$/, (m) => fill(t.topics, { topics: m[1]! })],
    [
      /^At most (\d+) \w+ at once\.$/,
      (m) => fill(t.tooMany, { n: formatNumber(Number(m[1]), lang) }),
    ],
    [/^The first line must be a header with an email column\.$/, () => t.header],
  ];
  for (const [pattern, word] of known) {
    const m = pattern.exec(message);
    if (m) return word(m);
  }
  return t.invalid;
}

/**
 * Row errors (`rows.3.email`, as the API reports them) as a person reads them: "Line 4: not
 * a valid email address.", by the line of the pasted text or file the row starts on, in the
 * organiser's language (English keeps each check's own words).
 */
export function lineMessages(
  errors: FieldError[],
  lines: number[],
  lang: Lang = DEFAULT_LANG,
): string[] {
  const english = lang === DEFAULT_LANG;
  return errors.map((e) => {
    const row = e.path.match(/^rows\.(\d+)/)?.[1];
    if (!row) return english ? e.message : csvMessage(e.message, lang);
    const message = english
      ? e.message.replace(/^[A-Z](?=[a-z ])/, (m) => m.toLowerCase())
      : csvMessage(e.message, lang);
    const n = lines[Number(row) - 1] ?? Number(row) + 1;
    return fill(adminDictionary(lang).csv.line, {
      n: english ? n : formatNumber(n, lang),
      message,
    });
  });
}
