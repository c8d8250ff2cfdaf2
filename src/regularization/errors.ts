/** Thrown when a regularization or augmentation helper gets input it cannot use. */
export class RegularizationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegularizationError';
  }
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  if (typeof value === 'object' && value !== null && 'shape' in value && Array.isArray((value as { shape: unknown }).shape)) {
    return `a tensor of shape [${(value as { shape: number[] }).shape.join(', ')}]`;
  }
  try {
    return JSON.stringify(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
