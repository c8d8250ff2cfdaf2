import { issueFromMessage, TrainlabError, type IssueFields, type ValidationIssue } from '../util/errors';

/** Thrown for bad input to trainlab's data helpers; the message names the argument and the fix. */
export class DataError extends TrainlabError {
  /** `fields` (or `issues`, for several problems) say which field and value the message is about. */
  constructor(message: string, fields: IssueFields | ValidationIssue[] = {}) {
    super(message, Array.isArray(fields) ? fields : [issueFromMessage(message, fields)]);
    this.name = 'DataError';
  }
}
