export { report, observationRows, OBSERVATIONS_MIME } from './report';
export type { Observation, ReportOptions } from './report';
export { claim, formatEvidence, CLAIM_MIME } from './claim';
export type { ClaimRecord, ClaimOptions, Evidence } from './claim';
