/**
 * Edit distance between two strings: insertions, deletions, substitutions and swaps of
 * two neighbouring letters each count 1 (optimal string alignment).
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0].push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i].push(d);
    }
  }
  return rows[a.length][b.length];
}

/**
 * The known name closest to `input` (case-insensitive), if it is close enough to be a
 * likely misspelling: at most a third of its length away (at least 1, at most 3 edits).
 */
export function closestName(input: string, known: readonly string[]): string | undefined {
  const wanted = input.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(wanted, name.toLowerCase());
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  if (best === undefined) return undefined;
  const limit = Math.min(3, Math.max(1, Math.floor(wanted.length / 3)));
  return best.distance <= limit ? best.name : undefined;
}
