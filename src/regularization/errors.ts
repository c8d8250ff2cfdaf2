import { issueFromMessage, showValue, TrainlabError, type IssueFields } from '../util/errors';

/** Thrown when a regularization or augmentation helper gets input it cannot use. */
export class RegularizationError extends TrainlabError {
  constructor(message: string, fields: IssueFields = {}) {
    super(message, [issueFromMessage(message, fields)]);
    this.name = 'RegularizationError';
  }
}

/** A received value for a message; tensors as `Tensor [40, 2] float32`. */
export const describe = showValue;
