export {
  CASE_STATUSES,
  RUNTIMES,
  SCHEMA_VERSION,
  SUITES,
  type BenchCase,
  type BenchResultFile,
  type BenchStats,
  type CaseLabels,
  type CaseStatus,
  type JsonValue,
  type MachineInfo,
  type RuntimeName,
  type SeriesPoint,
  type StoredFigure,
  type SuiteName,
} from "./schema.js";
export { validateResultFile, type ValidationResult } from "./validate.js";
export { figure, medianThroughput, met, targetValue, type Figure } from "./figures.js";
export { TARGETS, TOLERANCES, type Target, type Tolerance } from "./targets.js";
export { betterOf, figuresOf, fmtNumber, latestRuns, scoreRow, scoreboard, targetText, type ScoreRow } from "./scoreboard.js";
