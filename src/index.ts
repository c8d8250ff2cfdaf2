/**
 * trainlab: learn and prototype deep-learning training in Jupyter notebooks.
 * This barrel is the whole public API.
 */
export { useBackend, BackendError, BACKEND_NAMES, setSeed } from './backend';
export type { BackendName, UseBackendOptions } from './backend';
export { installFastKernels, uninstallFastKernels, fastKernelsInstalled } from './kernels';
export type { Display, DisplayHandle, MimeBundle } from './display/types';
export { getDisplay, setDisplay, TextDisplay, TslabDisplay, DisplayError } from './display';
export * as charts from './charts';
export { show, figureToHTML, liveChart, LiveChart, ChartError } from './charts';
export type { Figure, Trace, Layout, ShowOptions, ShowResult, LiveChartOptions } from './charts';
export { datasets, splitData, standardize, minMaxScale, oneHot, DataError } from './data';
export type { LabeledData, TargetFormat, XY, SplitOptions, Split, Scalable, Scaler, ScaledParts, ScaledSplit } from './data';
export { models, ModelError } from './models';
export { report, OBSERVATIONS_MIME } from './report';
export type { Observation, ReportOptions } from './report';
