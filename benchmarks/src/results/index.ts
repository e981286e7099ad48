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
  type SuiteName,
} from "./schema.js";
export { validateResultFile, type ValidationResult } from "./validate.js";
