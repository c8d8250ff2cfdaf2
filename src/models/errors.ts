import { issueFromMessage, TrainlabError, type IssueFields, type ValidationIssue } from '../util/errors';

/** Thrown for bad input to trainlab's model builders and summaries; the message names the option and the fix. */
export class ModelError extends TrainlabError {
  /** `fields` (or `issues`, for several problems) say which field and value the message is about. */
  constructor(message: string, fields: IssueFields | ValidationIssue[] = {}) {
    super(message, Array.isArray(fields) ? fields : [issueFromMessage(message, fields)]);
    this.name = 'ModelError';
  }
}
