// CSV in and out (RFC 4180) through papaparse. Output is formula-safe: a cell that starts
// with = + - @ tab or CR is prefixed with ' so spreadsheets show it instead of running it.
import Papa from "papaparse";

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
  /** Parse problems, by 1-based data row. */
  errors: { row: number; message: string }[];
}

export function parseCsv(text: string): ParsedCsv {
  const result = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ""), {
    header: true,
    skipEmptyLines: "greedy",
    transformHeader: (h) => h.trim().toLowerCase(),
  });
  return {
    header: result.meta.fields ?? [],
    rows: result.data,
    // Missing trailing cells are empty optional columns, not errors.
    errors: result.errors
      .filter((e) => e.code !== "TooFewFields")
      .map((e) => ({ row: (e.row ?? 0) + 1, message: e.message })),
  };
}
