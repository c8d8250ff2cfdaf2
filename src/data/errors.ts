/** Thrown for bad input to trainlab's data helpers; the message names the argument and the fix. */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}
