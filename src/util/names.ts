/** Name suggestions for error messages: one implementation for every "did you mean". */

/**
 * Optimal-string-alignment edit distance (insertions, deletions, substitutions and swaps
 * of neighbouring letters each cost 1).
 */
export function levenshtein(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    d.push(new Array<number>(b.length + 1).fill(0));
    d[i][0] = i;
  }
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The known name closest to `input` when it is plausibly a misspelling: compared
 * ignoring case, '_' and '-', at most max(1, min(3, ⌊length/3⌋)) edits away. Undefined otherwise.
 */
export function didYouMean(input: string, known: readonly string[]): string | undefined {
  const wanted = normaliseName(input);
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = levenshtein(wanted, normaliseName(name));
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.min(3, Math.floor(wanted.length / 3)));
  if (best.distance <= limit) return best.name;
  // A prefix such as 'cosine' for 'cosineDecay': suggest the shortest name it starts.
  if (wanted.length < 3) return undefined;
  const prefixed = known.filter((name) => normaliseName(name).startsWith(wanted));
  return prefixed.sort((a, b) => a.length - b.length)[0];
}

/** Lower case without '_', '-' and spaces: `mean_squared_error` and `meanSquaredError` compare equal. */
function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[_\s-]/g, '');
}
