import { issueFromMessage, showValue, TrainlabError, type IssueFields, type ValidationIssue } from '../util/errors';

/** Thrown when a regularization or augmentation helper gets input it cannot use. */
export class RegularizationError extends TrainlabError {
  /** `fields` (or `issues`, for several problems) say which field and value the message is about. */
  constructor(message: string, fields: IssueFields | ValidationIssue[] = {}) {
    super(message, Array.isArray(fields) ? fields : [issueFromMessage(message, fields)]);
    this.name = 'RegularizationError';
  }
}

/** A received value for a message; tensors as `Tensor [40, 2] float32`. */
export const describe = showValue;
