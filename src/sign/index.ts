export * from './bundle.ts';
export * from './keys.ts';
export * from './manifest.ts';
export * from './model-signature.ts';
export * from './encrypt.ts';
export * from './kek.ts';
export * from './bom.ts';
export * from './deps.ts';
