/**
 * Unknown option keys, refused as `@scopegate/core` refuses them (this package does not depend on
 * core, whose tests depend on it, so it keeps this small copy of core's `refuseUnknownKeys`).
 */

/** Every key of `T`, listed once: a key of `T` missing from the list is a type error naming it. */
export function optionKeys<T>() {
  return <const K extends readonly (keyof T & string)[]>(
    keys: K &
      ([Exclude<keyof T, K[number]>] extends [never] ? unknown : { missing: Exclude<keyof T, K[number]> }),
  ): readonly string[] => keys;
}

/** Edits between two names, ignoring case (Levenshtein distance). */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let above = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const same = x[i - 1] === y[j - 1];
      row.push(
        Math.min(
          (above[j] as number) + 1,
          (row[j - 1] as number) + 1,
          (above[j - 1] as number) + (same ? 0 : 1),
        ),
      );
    }
    above = row;
  }
  return above[y.length] as number;
}

/**
 * Throws a `TypeError` for the first key of `options` that `known` does not list, naming `where`,
 * the key, and the closest known key when one is close.
 */
export function refuseUnknownKeys(options: unknown, known: readonly string[], where: string): void {
  if (typeof options !== "object" || options === null) return;
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const ranked = known
      .map((candidate) => ({ candidate, edits: distance(key, candidate) }))
      .filter(
        ({ candidate, edits }) =>
          edits <= Math.max(2, Math.floor(Math.max(key.length, candidate.length) / 3)),
      )
      .sort((a, b) => a.edits - b.edits);
    const hint = ranked[0] ? `did you mean \`${ranked[0].candidate}\`?` : `it takes ${known.join(", ")}.`;
    throw new TypeError(`@scopegate/testing: ${where} has no option \`${key}\`; ${hint}`);
  }
}
