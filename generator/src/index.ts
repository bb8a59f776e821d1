/** kada-gen's programmatic surface: load -> model -> check -> emit -> write. */
export { type Diagnostic, formatDiagnostic, hasErrors } from './diagnostics.ts';
export type { OutputFile } from './emit/file.ts';
export { loadSpecs } from './load.ts';
export { buildModel, type ContractGraph } from './model.ts';
export { type GenerateOptions, generate } from './pipeline.ts';
export { diffOutput, writeOutput } from './write.ts';
