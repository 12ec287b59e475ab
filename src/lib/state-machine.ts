// A state machine written down as data: for each status, the statuses it may move to.
// Services keep their table next to them and derive every guard of a status change from
// it with these two, so the table is the one place that says what may happen.

/** The statuses the table allows to move to `to`, in the table's order. */
export function statusesFrom<S extends string>(transitions: Record<S, readonly S[]>, to: S): S[] {
  return (Object.keys(transitions) as S[]).filter((from) => transitions[from].includes(to));
}

/** Whether the table allows a move from `from` to `to`. */
export function canMove<S extends string>(
  transitions: Record<S, readonly S[]>,
  from: S,
  to: S,
): boolean {
  return transitions[from].includes(to);
}
