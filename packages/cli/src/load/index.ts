export { type VerifyOptions, type VerifyReport, verifyOrders } from '../verify/index.js';
export {
  type AckedFileLine,
  AckedFileWriter,
  type AckedLine,
  type AckedRun,
  type RunHeader,
  readAckedFile,
  type UncertainLine,
  type VisibleLine,
} from './acked-file.js';
export { type LatencySummary, percentile, summarize } from './percentiles.js';
export { type LoadOptions, type LoadProgress, type LoadSummary, runLoad } from './run-load.js';
export { LoadSetupError } from './shop-client.js';
export type { VisibilitySummary } from './visibility-watcher.js';
