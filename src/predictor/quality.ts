// Held-out quality of a predictor (docs/predictor.md §6): Kendall tau-b per target, MAPE of the hardware
// targets, MAE of pimLoss and of the quantized accuracy (over the samples that have them).

import { kendallTauB } from '../nn/standalone.ts';
import type { Prediction, PredictorSample } from './types.ts';

export const HW_KEYS = { area: 'area_mm2', energy: 'energy_uJ', latency: 'latency_ms', power: 'power_W' } as const;
export type ShortTarget = 'pimLoss' | 'quantized' | keyof typeof HW_KEYS;

export interface Quality {
  samples: number;
  pimLossSamples: number;
  kendall: Record<ShortTarget, number | null>;
  mape: Record<keyof typeof HW_KEYS, number | null>;
  mae: { pimLoss: number | null; quantized: number | null };
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function quality(samples: readonly PredictorSample[], predictions: readonly Prediction[]): Quality {
  const kendall = {} as Quality['kendall'];
  const mape = {} as Quality['mape'];
  for (const [short, key] of Object.entries(HW_KEYS) as [keyof typeof HW_KEYS, (typeof HW_KEYS)[keyof typeof HW_KEYS]][]) {
    kendall[short] = samples.length >= 2 ? finite(kendallTauB(predictions.map((p) => p[key]), samples.map((s) => s.labels[key]))) : null;
    mape[short] = samples.length > 0 ? samples.reduce((a, s, i) => a + Math.abs(predictions[i][key] - s.labels[key]) / Math.abs(s.labels[key]), 0) / samples.length : null;
  }
  const accuracy = (key: 'pimLoss' | 'quantized') => {
    const pairs = samples.map((s, i) => [s.labels[key], predictions[i][key]] as const).filter((x): x is readonly [number, number] => typeof x[0] === 'number');
    return {
      n: pairs.length,
      tau: pairs.length >= 2 ? finite(kendallTauB(pairs.map(([, p]) => p), pairs.map(([y]) => y))) : null,
      mae: pairs.length > 0 ? pairs.reduce((a, [y, p]) => a + Math.abs(p - y), 0) / pairs.length : null,
    };
  };
  const pim = accuracy('pimLoss'), quant = accuracy('quantized');
  kendall.pimLoss = pim.tau;
  kendall.quantized = quant.tau;
  const mae = { pimLoss: pim.mae, quantized: quant.mae };
  return { samples: samples.length, pimLossSamples: pim.n, kendall, mape, mae };
}
