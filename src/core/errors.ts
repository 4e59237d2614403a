/**
 * Coded errors, Fastify-style: a stable `code`, a message that names the place
 * (file:line:field, byte offset, request field) and, for HTTP, a status.
 */
export const ERROR_CODES = {
  BW_ERR_CONFIG_INVALID: 2,
  BW_ERR_CONFIG_NOT_FOUND: 2,
  BW_ERR_USAGE: 2,
  BW_ERR_IO: 2,
  BW_ERR_VALIDATION: 400,
  BW_ERR_PARSE: 400,
  BW_ERR_PARSE_LIMIT: 413,
  BW_ERR_UNAUTHENTICATED: 401,
  BW_ERR_FORBIDDEN: 403,
  BW_ERR_NOT_FOUND: 404,
  BW_ERR_CONFLICT: 409,
  BW_ERR_GATE_FAILED: 409,
  BW_ERR_PAYLOAD_TOO_LARGE: 413,
  BW_ERR_RATE_LIMITED: 429,
  BW_ERR_UPSTREAM: 502,
  BW_ERR_STORE: 500,
  BW_ERR_INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface BulwarkErrorOptions {
  field?: string;
  status?: number;
  cause?: unknown;
  details?: Record<string, unknown>;
}

export class BulwarkError extends Error {
  readonly code: ErrorCode | string;
  readonly status: number;
  readonly field: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode | string, message: string, options: BulwarkErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BulwarkError';
    this.code = code;
    const known = (ERROR_CODES as Record<string, number>)[code];
    this.status = options.status ?? (known !== undefined && known >= 400 ? known : 500);
    this.field = options.field;
    this.details = options.details;
  }

  toJSON(): { code: string; message: string; field?: string; details?: Record<string, unknown> } {
    return {
      code: this.code,
      message: this.message,
      ...(this.field ? { field: this.field } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export class ConfigError extends BulwarkError {
  readonly file: string;
  readonly line: number | undefined;
  constructor(file: string, line: number | undefined, field: string | undefined, problem: string) {
    const where = `${file}${line !== undefined ? `:${line}` : ''}`;
    super('BW_ERR_CONFIG_INVALID', `${where}: ${field ? `${field}: ` : ''}${problem}`, {
      ...(field ? { field } : {}),
      status: 400,
    });
    this.name = 'ConfigError';
    this.file = file;
    this.line = line;
  }
}

export class NotFoundError extends BulwarkError {
  constructor(what: string, id: string) {
    super('BW_ERR_NOT_FOUND', `${what} ${JSON.stringify(id)} not found`);
    this.name = 'NotFoundError';
  }
}

export class ValidationError extends BulwarkError {
  constructor(field: string, problem: string) {
    super('BW_ERR_VALIDATION', `${field}: ${problem}`, { field, status: 400 });
    this.name = 'ValidationError';
  }
}

export class ParseLimitError extends BulwarkError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('BW_ERR_PARSE_LIMIT', message, details ? { details } : {});
    this.name = 'ParseLimitError';
  }
}

export function isBulwarkError(e: unknown): e is BulwarkError {
  return e instanceof BulwarkError;
}
