export * from './bundle.ts';
export * from './keys.ts';
export * from './manifest.ts';
export * from './model-signature.ts';
