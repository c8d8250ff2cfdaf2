/** Thrown by train, findLearningRate and sweep for input they cannot use (before any training starts). */
export class TrainingError extends Error {
  /** Every problem found, not only the first. */
  readonly problems: string[];

  constructor(component: string, problems: string[]) {
    super(problems.length === 1 ? `${component}: ${problems[0]}` : `${component}: ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'TrainingError';
    this.problems = problems;
  }
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null && 'shape' in value && Array.isArray((value as { shape: unknown }).shape)) {
    return `a tensor of shape [${(value as { shape: number[] }).shape.join(', ')}]`;
  }
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
