/** Thrown for bad input to trainlab's model builders and summaries; the message names the option and the fix. */
export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelError';
  }
}
