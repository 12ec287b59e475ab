import type { Child } from "hono/jsx";

/** An admin data table: scrollable on small screens, with column headers. */
export function DataTable({ headers, children }: { headers: Child[]; children: Child }) {
  return (
    <div class="table-wrap">
      <table>
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
