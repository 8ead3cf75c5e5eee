export function checkStrictFields(_kind: string, _body: unknown): void {}
