export { report, observationRows, OBSERVATIONS_MIME } from './report';
export type { Observation, ReportOptions } from './report';
