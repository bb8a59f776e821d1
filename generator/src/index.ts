/**
 * kada-gen's programmatic surface: load -> model -> check -> emit -> write. buildModel reports
 * only what it cannot build; checkDocuments judges what the documents declare (run it before
 * generate, which runs the drift, example, HTTP and lock checks).
 */
export { allRules, checkDocuments } from './check/index.ts';
export { type Diagnostic, formatDiagnostic, hasErrors } from './diagnostics.ts';
export type { OutputFile } from './emit/file.ts';
export { loadSpecs } from './load.ts';
export { buildModel, type ContractGraph } from './model.ts';
export { type GenerateOptions, generate } from './pipeline.ts';
export { diffOutput, writeOutput } from './write.ts';
