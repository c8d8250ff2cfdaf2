export * as models from './models';
export { ModelError } from './errors';
export { summary, ModelSummary } from './summary';
export type { SummaryRow, SummaryTotals, SummaryOptions } from './summary';
