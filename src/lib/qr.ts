// QR codes for emails, drawn as an HTML table: no image for a client to block, no data: URI
// (Gmail drops them), and small enough that an email stays far below Gmail's 102 KB clip.
import { encode } from "uqr";

export function qrMatrix(text: string): boolean[][] {
  return encode(text, { ecc: "M", border: 2 }).data;
}

/** CSS pixels per module: 45 modules (a check-in link) make a 180 px code. */
const MODULE_PX = 4;
const DARK = ' bgcolor="#000000"';

/**
 * The QR code of `text` as one table of plain strings, built without a React element per
 * cell. The first row (always light: the quiet zone) has one cell per module with its width,
 * which fixes every column; every other row merges each horizontal run of same-coloured
 * modules into one cell with a colspan. A check-in link's code is about 25 KB of HTML instead
 * of 2,025 styled cells (120 KB).
 */
export function qrTable(text: string, modulePx = MODULE_PX): string {
  const matrix = qrMatrix(text);
  const size = matrix.length * modulePx;
  const rows = matrix.map((row, y) => {
    if (y === 0)
      return row.map((dark) => `<td width="${modulePx}"${dark ? DARK : ""}></td>`).join("");
    let cells = "";
    for (let x = 0; x < row.length; ) {
      const dark = row[x];
      let run = 1;
      while (x + run < row.length && row[x + run] === dark) run++;
      cells += `<td${run > 1 ? ` colspan="${run}"` : ""}${dark ? DARK : ""}></td>`;
      x += run;
    }
    return cells;
  });
  return (
    `<table role="presentation" cellpadding="0" cellspacing="0" border="0" width="${size}" ` +
    `style="border-collapse:collapse;table-layout:fixed;width:${size}px;font-size:0;` +
    `line-height:0;background-color:#ffffff;margin:8px 0">` +
    rows.map((cells) => `<tr style="height:${modulePx}px">${cells}</tr>`).join("") +
    "</table>"
  );
}
