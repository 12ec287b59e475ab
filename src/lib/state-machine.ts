// A status machine written as data: for each status, the statuses it may move to. Code that
// changes a status asks the table instead of listing statuses again (in an `if`, or in an
// UPDATE's `WHERE status IN (…)`), so the table stays the one place the rules are written
// and a test that walks the table tests the code.

export type Transitions<S extends string> = Readonly<Record<S, readonly S[]>>;

export function canMove<S extends string>(
  transitions: Transitions<S>,
  from: NoInfer<S>,
  to: NoInfer<S>,
): boolean {
  return transitions[from].includes(to);
}

/** The statuses that may move to `to`, in the table's order: the guard of an UPDATE to `to`. */
export function statusesFrom<S extends string>(transitions: Transitions<S>, to: NoInfer<S>): S[] {
  return (Object.keys(transitions) as S[]).filter((from) => canMove(transitions, from, to));
}

/** The statuses that still have a way out: work remains on a row in one of them. */
export function openStatuses<S extends string>(transitions: Transitions<S>): S[] {
  return (Object.keys(transitions) as S[]).filter((from) => transitions[from].length > 0);
}
