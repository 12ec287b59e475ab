// QR codes as a matrix of modules, so emails can draw them as a table (no image to block)
// and pages as inline SVG.
import { encode, renderSVG } from "uqr";

export function qrMatrix(text: string): boolean[][] {
  return encode(text, { ecc: "M", border: 2 }).data;
}

export function qrSvg(text: string): string {
  return renderSVG(text, { ecc: "M", border: 2 });
}
