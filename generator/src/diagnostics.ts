/**
 * Diagnostics: every problem the generator reports names a file, a line and a column,
 * says what is wrong and, where it can, what to do.
 *
 *   { severity: 'error', file: 'specs/asyncapi/order.yaml', line: 12, column: 7,
 *     code: 'drift-required', message: '…' }
 *   -> "specs/asyncapi/order.yaml:12:7 error drift-required …"
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Other places the diagnostic involves (e.g. the producer's spec for a consumer's drift). */
  readonly related?: readonly { file: string; line: number; column: number; note: string }[];
}

export function formatDiagnostic(d: Diagnostic): string {
  const head = `${d.file}:${d.line}:${d.column} ${d.severity} ${d.code}: ${d.message}`;
  const rel = (d.related ?? []).map((r) => `\n    ${r.file}:${r.line}:${r.column} ${r.note}`).join('');
  return head + rel;
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}

/** Stable order: by file, line, column, code, message. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}

export class GeneratorError extends Error {
  readonly code: string;
  readonly diagnostics: readonly Diagnostic[];
  constructor(message: string, diagnostics: readonly Diagnostic[], code = 'KADA_GEN_FAILED') {
    super(message);
    this.name = 'GeneratorError';
    this.code = code;
    this.diagnostics = diagnostics;
  }
}
