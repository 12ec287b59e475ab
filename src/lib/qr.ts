// QR codes as a matrix of modules, so emails can draw them as a table (no image to block).
import { encode } from "uqr";

export function qrMatrix(text: string): boolean[][] {
  return encode(text, { ecc: "M", border: 2 }).data;
}
