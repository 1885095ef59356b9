// Entry of the worker threads that synthesize a share of a large fleet (see synthesizeClusters in
// @ck8s/platform); bundled beside main.js as synth-worker.js.
import { runSynthesisWorker } from '@ck8s/platform';

runSynthesisWorker();
