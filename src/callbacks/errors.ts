import { issueFromMessage, TrainlabError, type IssueFields, type ValidationIssue } from '../util/errors';

/** Thrown when a callback is given an option it cannot work with, or cannot do its job (a path it must not touch). */
export class CallbackError extends TrainlabError {
  /** `fields` (or `issues`, for several problems) say which field and value the message is about. */
  constructor(message: string, fields: IssueFields | ValidationIssue[] = {}) {
    super(message, Array.isArray(fields) ? fields : [issueFromMessage(message, fields)]);
    this.name = 'CallbackError';
  }
}
