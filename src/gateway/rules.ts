import { defineRules } from '../core/index.ts';

/** Every rule the gateway raises findings for, declared once. */
export const GATEWAY_RULES = defineRules({
  'gateway.extraction.prada': {
    title: 'Model extraction pattern: distances between successive queries are not normally distributed',
    severity: 'high',
    confidence: 'medium',
    description:
      'PRADA test: the minimum distances between a client’s successive queries and its earlier ones deviate from a normal distribution (Shapiro–Wilk W below the threshold), as synthetic queries crafted to extract a model do.',
    remediation:
      'Review the client’s traffic; throttle or revoke its key, and harden outputs (label only, rounding).',
    refs: ['atlas:AML.T0024.002', 'owasp:llm:10'],
  },
  'gateway.extraction.coverage': {
    title: 'Model extraction pattern: queries sweep the input space',
    severity: 'medium',
    confidence: 'medium',
    description:
      'The client’s queries cover most of the input space evenly (high coverage and entropy over the reference profile), as systematic extraction sweeps do and ordinary traffic does not.',
    remediation:
      'Review the client’s traffic; throttle or revoke its key, and harden outputs (label only, rounding).',
    refs: ['atlas:AML.T0024.002', 'atlas:AML.T0024.001'],
  },
  'gateway.predict.off-manifold': {
    title: 'Input far outside the reference profile',
    severity: 'medium',
    confidence: 'medium',
    description:
      'A predict input scores as out of distribution against the route’s reference profile: adversarial or off-manifold inputs look like this.',
    remediation: 'Check the client; if legitimate, rebuild the profile from newer data (`bulwark profile`).',
    refs: ['atlas:AML.T0043', 'atlas:AML.T0015'],
  },
});
