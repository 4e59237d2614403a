/**
 * The zod schemas for core's types, for the edges that validate data from outside: API bodies and
 * responses, stored rows, imported files. Engines and the CLI use the plain types in the other core
 * modules and never load this file (importing zod and building these costs tens of milliseconds of
 * every process's start-up). Each schema is checked below to infer exactly its plain type, so the two
 * cannot drift apart: `npm run typecheck` fails when they do.
 */
import { z } from 'zod';
import type { Assert, Equals } from './type-checks.ts';
import {
  ASSET_KINDS,
  type Asset as AssetType,
  type AssetCreate as AssetCreateType,
  type AssetKind as AssetKindType,
  type AssetUpdate as AssetUpdateType,
  type AssetVersion as AssetVersionType,
  type AssetVersionCreate as AssetVersionCreateType,
  RISK_TIERS,
  type RiskTier as RiskTierType,
} from './asset.ts';
import {
  type AssetRef as AssetRefType,
  type Evidence as EvidenceType,
  type Finding as FindingType,
  type Location as LocationType,
  RULE_ID_MESSAGE,
  RULE_ID_PATTERN,
  type RuleId as RuleIdType,
} from './finding.ts';
import { FRAMEWORK_REF_MESSAGE, type FrameworkRef as FrameworkRefType, isFrameworkRef } from './refs.ts';
import {
  ENGINES,
  type Engine as EngineType,
  RUN_STATUSES,
  type Run as RunType,
  type RunStatus as RunStatusType,
} from './run.ts';
import {
  CONFIDENCES,
  type Confidence as ConfidenceType,
  SEVERITIES,
  type Severity as SeverityType,
} from './severity.ts';

export const Severity = z.enum(SEVERITIES);
export type Severity = SeverityType;

export const Confidence = z.enum(CONFIDENCES);
export type Confidence = ConfidenceType;

export const FrameworkRef = z.string().refine(isFrameworkRef, { message: FRAMEWORK_REF_MESSAGE });
export type FrameworkRef = FrameworkRefType;

export const RuleId = z.string().regex(RULE_ID_PATTERN, RULE_ID_MESSAGE);
export type RuleId = RuleIdType;

export const AssetKind = z.enum(ASSET_KINDS);
export type AssetKind = AssetKindType;

export const RiskTier = z.enum(RISK_TIERS);
export type RiskTier = RiskTierType;

export const Evidence = z.record(z.string(), z.unknown());
export type Evidence = EvidenceType;

export const Location = z
  .object({
    path: z.string().optional(),
    member: z.string().optional(),
    offset: z.number().int().nonnegative().optional(),
    line: z.number().int().positive().optional(),
    column: z.number().int().positive().optional(),
    row: z.number().int().nonnegative().optional(),
    field: z.string().optional(),
    requestId: z.string().optional(),
    url: z.string().optional(),
  })
  .strict();
export type Location = LocationType;

export const AssetRef = z
  .object({
    id: z.string().optional(),
    kind: AssetKind,
    name: z.string(),
    version: z.string().optional(),
  })
  .strict();
export type AssetRef = AssetRefType;

export const Finding = z
  .object({
    id: z.string(),
    runId: z.string().optional(),
    ruleId: RuleId,
    title: z.string().min(1),
    severity: Severity,
    confidence: Confidence,
    asset: AssetRef.optional(),
    location: Location.default({}),
    evidence: Evidence.default({}),
    remediation: z.string().default(''),
    refs: z.array(FrameworkRef).default([]),
    createdAt: z.string().optional(),
  })
  .strict();
export type Finding = FindingType;

const Name = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\u0000-\u001f]+$/, 'must not contain control characters');
const Tag = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:/=-]*$/, 'tags are letters, digits and _.:/=-');

export const Asset = z
  .object({
    id: z.string(),
    kind: AssetKind,
    name: Name,
    description: z.string().max(4000).default(''),
    owner: z.string().max(200).default(''),
    tags: z.array(Tag).max(50).default([]),
    riskTier: RiskTier.default('medium'),
    uri: z.string().max(2000).default(''),
    metadata: z.record(z.string(), z.unknown()).default({}),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .strict();
export type Asset = AssetType;

/** What a client may send to create an asset; the store fills in id and timestamps. */
export const AssetCreate = Asset.omit({ id: true, createdAt: true, updatedAt: true });
export type AssetCreate = AssetCreateType;

export const AssetUpdate = AssetCreate.partial().strict();
export type AssetUpdate = AssetUpdateType;

export const AssetVersion = z
  .object({
    id: z.string(),
    assetId: z.string(),
    version: z.string().min(1).max(100),
    digest: z.string().default(''),
    size: z.number().int().nonnegative().default(0),
    uri: z.string().default(''),
    metadata: z.record(z.string(), z.unknown()).default({}),
    createdAt: z.string(),
  })
  .strict();
export type AssetVersion = AssetVersionType;

export const AssetVersionCreate = AssetVersion.omit({ id: true, assetId: true, createdAt: true });
export type AssetVersionCreate = AssetVersionCreateType;

export const Engine = z.enum(ENGINES);
export type Engine = EngineType;

export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = RunStatusType;

export const Run = z
  .object({
    id: z.string(),
    engine: Engine,
    assetId: z.string().optional(),
    status: RunStatus,
    target: z.string().default(''),
    summary: z.record(z.string(), z.unknown()).default({}),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    durationMs: z.number().nonnegative().optional(),
  })
  .strict();
export type Run = RunType;

/**
 * Compile-time drift check: what each schema parses to (and, for the *Create/Update schemas, accepts)
 * is exactly the plain type. `npm run typecheck` fails here on a mismatch.
 */
export type SchemaTypesMatch = [
  Assert<Equals<z.output<typeof Severity>, Severity>>,
  Assert<Equals<z.output<typeof Confidence>, Confidence>>,
  Assert<Equals<z.output<typeof FrameworkRef>, FrameworkRef>>,
  Assert<Equals<z.output<typeof RuleId>, RuleId>>,
  Assert<Equals<z.output<typeof AssetKind>, AssetKind>>,
  Assert<Equals<z.output<typeof RiskTier>, RiskTier>>,
  Assert<Equals<z.output<typeof Evidence>, Evidence>>,
  Assert<Equals<z.output<typeof Location>, Location>>,
  Assert<Equals<z.output<typeof AssetRef>, AssetRef>>,
  Assert<Equals<z.output<typeof Finding>, Finding>>,
  Assert<Equals<z.output<typeof Asset>, Asset>>,
  Assert<Equals<z.input<typeof AssetCreate>, AssetCreate>>,
  Assert<Equals<z.input<typeof AssetUpdate>, AssetUpdate>>,
  Assert<Equals<z.output<typeof AssetVersion>, AssetVersion>>,
  Assert<Equals<z.input<typeof AssetVersionCreate>, AssetVersionCreate>>,
  Assert<Equals<z.output<typeof Engine>, Engine>>,
  Assert<Equals<z.output<typeof RunStatus>, RunStatus>>,
  Assert<Equals<z.output<typeof Run>, Run>>,
];
