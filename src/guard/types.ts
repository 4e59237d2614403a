/** Who wrote a piece of text: direct user prompts and third-party content are judged differently. */
export type Role = 'system' | 'user' | 'assistant' | 'tool' | 'document';

export interface GuardContext {
  role: Role;
  /** BCP-47 hint such as `en` or `tr`; detectors may use it, none require it. */
  language?: string;
  /** The system prompt of the conversation, when known: leak and secret-probe checks compare against it. */
  systemPrompt?: string;
  /** Per-request id, carried into findings. */
  requestId?: string;
}

export interface Span {
  start: number;
  end: number;
  /** What was found there: `email`, `aws-access-key`, `ignore-previous-instructions`, … */
  label: string;
  /** The detector that found it. */
  detector: string;
  /** Set when the span was found in decoded text (base64, hex, …) rather than the original. */
  decodedFrom?: string;
}

export interface DetectorResult {
  score: number;
  spans: Span[];
  /** One line a person can read: why this score. */
  explanation: string;
  /** Small, JSON-safe facts (top features, decoded layers) for `--explain` and findings. */
  details?: Record<string, unknown>;
}

/** The text a detector sees: the original, its normalised form and decoded hidden layers. */
export interface GuardInput {
  text: string;
  normalized: string;
  /** Text recovered from base64, hex, URL-encoding, ROT13 and other Caesar shifts, leetspeak or Unicode
   * tags, each scanned too. */
  decoded: DecodedView[];
  /** What normalisation found (zero-width characters, homoglyphs, …). */
  signals: string[];
  ctx: GuardContext;
  /** Scores computed once per input and shared between detectors that use the same model. */
  memo: Map<string, number>;
  /**
   * What the one pass over `normalized` that picks the decoders also saw. Detectors that read `text`
   * use it only when `text === normalized`, to skip scans that cannot match.
   */
  shape?: TextShape;
}

/** Character runs and counts of a text, from one pass over its code units. */
export interface TextShape {
  /** A run of 16 or more of [A-Za-z0-9_+/=-]: every secretlint rule needs one, short of a URL or a PEM block. */
  tokenRun: boolean;
  /** A run of 32 or more of [A-Za-z0-9+/_-] that holds upper case, lower case and a digit. */
  randomRun: boolean;
  /** The longest run of [A-Za-z0-9+/_-] when 16 or more, else 0. */
  longRun: number;
  /** ASCII digits in the text. */
  digits: number;
}

export interface DecodedView {
  encoding:
    | 'base64'
    | 'hex'
    | 'url'
    | 'rot13'
    | 'caesar'
    | 'leet'
    | 'unicode-tags'
    | 'marks'
    | 'accents'
    | 'spelled'
    | 'reversed'
    | 'atbash'
    | 'pig-latin'
    | 'morse'
    | 'braille'
    | 'nato'
    | 'binary'
    | 'base32'
    | 'upside-down'
    | 'symbol-spelled'
    | 'char-codes'
    | 'escapes'
    | 'quoted-printable'
    | 'a1z26';
  text: string;
  /** Where the encoded segment sits in the original text. */
  start: number;
  end: number;
}

/** A detector judges one text. It must be synchronous, side-effect free and bounded in time. */
export interface Detector {
  readonly id: string;
  detect(input: GuardInput): DetectorResult;
  /** Present when the detector can follow text as it is generated. */
  stream?(ctx: GuardContext): StreamingDetector;
}

/** Incremental form: `push` consumes the next chunk and returns the verdict on everything so far. */
export interface StreamingDetector {
  push(chunk: string): DetectorResult;
  end(): DetectorResult;
}

export const EMPTY_RESULT: DetectorResult = Object.freeze({
  score: 0,
  spans: [],
  explanation: 'nothing found',
}) as DetectorResult;
