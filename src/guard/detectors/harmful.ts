import { model } from '../models.ts';
import type { Detector } from '../types.ts';
import { calibrate, explainModel, layerText, modelScore, streamModel } from './classify.ts';

/** Requests for clearly harmful content (weapons, malware, abuse), trained with XSTest hard negatives. */
export const harmfulDetector: Detector = {
  id: 'harmful',
  detect(input) {
    const m = model('harmful');
    const { score: p, layer } = modelScore('harmful', input);
    const score = calibrate(p, m.threshold);
    const why = score >= 0.5 ? explainModel(m, layerText(input, layer)) : '';
    return {
      score,
      spans: [],
      explanation: `harmful-request classifier ${score.toFixed(2)}${layer !== 'text' ? ` (on ${layer}-decoded text)` : ''}${why ? `; ${why}` : ''}`,
      details: { classifier: score, layer },
    };
  },
  stream: (ctx) => streamModel('harmful', 'harmful', ctx),
};
