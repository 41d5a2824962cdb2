// The tiny supernet the CLI search tests run on: the `mnist` space, 1 epoch over 320 training digits,
// seed 1, saved to `dir` for --supernet (not a test file: no `.test.` in the name).
import { loadDataset } from '../../src/node/dataset-files.ts';
import { saveSupernet } from '../../src/node/supernet-files.ts';
import { spacePreset } from '../../src/space/presets.ts';
import { Supernet, trainSupernet } from '../../src/nn/supernet.ts';

export async function saveTinySupernet(dir: string): Promise<void> {
  const ds = await loadDataset('mnist');
  const sn = new Supernet(spacePreset('mnist'), 1);
  try {
    saveSupernet(dir, await trainSupernet(sn, ds.train, { epochs: 1, limit: 320, seed: 1 }));
  } finally {
    sn.dispose();
  }
}
