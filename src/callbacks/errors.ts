/** Thrown when a callback is given an option it cannot work with. */
export class CallbackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CallbackError';
  }
}
