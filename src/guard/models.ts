import { resolve } from 'node:path';
import { type LinearModel, loadModel } from './linear.ts';

/** The committed classifiers; loaded lazily, once per process. */
export const MODEL_DIR = resolve(import.meta.dirname, 'models');

export type ModelId = 'injection' | 'indirect' | 'harmful';

export function model(id: ModelId): LinearModel {
  return loadModel(resolve(MODEL_DIR, `${id}.json`));
}
