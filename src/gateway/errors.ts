/** OpenAI's error body, which OpenAI SDKs parse: the LLM routes answer in this shape. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

const TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'invalid_request_error',
  413: 'invalid_request_error',
  429: 'rate_limit_error',
};

export function openAiError(
  status: number,
  message: string,
  code: string | null,
  param: string | null = null,
): OpenAiErrorBody {
  return {
    error: {
      message,
      type: TYPES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error'),
      param,
      code,
    },
  };
}

/** A refusal the gateway answers itself (auth, limits, policy, validation, upstream trouble). */
export class GatewayRefusal extends Error {
  readonly status: number;
  readonly code: string;
  /** Bulwark's own code, for the predict routes' error shape and for events. */
  readonly bwCode: string;
  readonly reason: string;
  readonly param: string | null;
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    reason: string,
    message: string,
    opts: { code: string; bwCode: string; param?: string | null; headers?: Record<string, string> },
  ) {
    super(message);
    this.name = 'GatewayRefusal';
    this.status = status;
    this.reason = reason;
    this.code = opts.code;
    this.bwCode = opts.bwCode;
    this.param = opts.param ?? null;
    this.headers = opts.headers ?? {};
  }
}
