export function checkReadable(_w: unknown, _r: unknown): { severity: string; rule: string; pointer: string; schemaPointer: string; message: string }[] { return []; }
