import type { Child } from "hono/jsx";

/**
 * An admin data table: scrollable on small screens, with column headers. `stack` turns each
 * row into a card on a phone (public/assets/app.css), each cell led by its `data-label`:
 * for tables whose rows hold more than a phone's width can show side by side.
 */
export function DataTable({
  headers,
  children,
  stack = false,
}: {
  headers: Child[];
  children: Child;
  stack?: boolean;
}) {
  return (
    <div class="table-wrap">
      <table class={stack ? "stack" : undefined}>
        <thead>
          <tr>
            {headers.map((h) => (
              <th scope="col">{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
