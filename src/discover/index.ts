export {
  DiscoverConfig,
  type DiscoveredAsset,
  type DiscoverOptions,
  type DiscoverResult,
  type DiscoverStats,
  discover,
} from './discover.ts';
export { DISCOVER_RULES } from './rules.ts';
export { type Sniffed, type SniffInput, sniff, EXTENSION_FORMATS } from './sniff.ts';
export { findSecrets, maskSecret, type SecretMatch } from './secrets.ts';
export { scanText, scanManifest, languageOf, type TextHit } from './code.ts';
export { classifyUrl, findEndpoints, findModelNames } from './models.ts';
export { readGgufHeader } from './gguf.ts';
export { sniffOnnx } from './onnx.ts';
export { walk, SKIP_DIRS } from './walk.ts';
