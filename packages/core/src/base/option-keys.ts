/**
 * Unknown option keys. A typo in an option (`credentialRequired`, `gaurd`) must never leave a route
 * open, so every options object scopegate takes is checked against the list of keys it knows, kept
 * next to its options type with {@link optionKeys}.
 */

/**
 * Lists every key of the options type `T`, checked by the compiler: a key of `T` missing from the
 * list is a type error that names it (`{ missing: "newOption" }`), and a key that `T` does not have
 * is one too. So an option added to a type without being added to its list fails the build.
 */
export function optionKeys<T>() {
  return <const K extends readonly (keyof T & string)[]>(
    keys: K &
      ([Exclude<keyof T, K[number]>] extends [never] ? unknown : { missing: Exclude<keyof T, K[number]> }),
  ): readonly (keyof T & string)[] => Object.freeze([...keys]);
}

/**
 * Edits (insert, delete, replace, or swap two neighbours) between two names, ignoring case: the
 * optimal string alignment distance.
 */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let twoRowsUp: number[] = [];
  let rowUp: number[] = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const replace = (rowUp[j - 1] as number) + (x[i - 1] === y[j - 1] ? 0 : 1);
      let best = Math.min((rowUp[j] as number) + 1, (row[j - 1] as number) + 1, replace);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) {
        best = Math.min(best, (twoRowsUp[j - 2] as number) + 1);
      }
      row.push(best);
    }
    twoRowsUp = rowUp;
    rowUp = row;
  }
  return rowUp[y.length] as number;
}

/**
 * The known key closest to `key`, or `undefined` when none is close: within a third of the longer
 * name's length in edits (at least 2), or a known key that starts with `key` (`clockTolerance` for
 * `clockToleranceSec`).
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const prefix = key.length >= 4 && candidate.toLowerCase().startsWith(key.toLowerCase());
    const distance = prefix ? 0.5 : editDistance(key, candidate);
    const limit = Math.max(2, Math.floor(Math.max(key.length, candidate.length) / 3));
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Throws a `TypeError` for the first own key of `options` that `known` does not list, naming the
 * call (`where`), the key, and the closest known key (or every known key when none is close).
 * `undefined` (no options object) passes; checking its type is the caller's business.
 */
export function refuseUnknownKeys(options: unknown, known: readonly string[], where: string): void {
  if (typeof options !== "object" || options === null) return;
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const suggestion = closestKey(key, known);
    const hint =
      suggestion === undefined ? `it takes ${known.join(", ")}.` : `did you mean \`${suggestion}\`?`;
    throw new TypeError(`scopegate: ${where} has no option \`${key}\`; ${hint}`);
  }
}
