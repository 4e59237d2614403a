import { resolve } from 'node:path';
import { type LinearModel, loadModel } from './linear.ts';

/** The committed classifiers; loaded lazily, once per process. */
export const MODEL_DIR = resolve(import.meta.dirname, 'models');

export type ModelId = 'injection' | 'indirect' | 'harmful';

const loaded = new Map<ModelId, LinearModel>();

export function model(id: ModelId): LinearModel {
  let m = loaded.get(id);
  if (!m) {
    m = loadModel(resolve(MODEL_DIR, `${id}.json`));
    loaded.set(id, m);
  }
  return m;
}
