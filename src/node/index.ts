// The Node library entry (package export "."; browsers get dist/web/index.js): the web-standard API
// plus what needs Node: the bundled kernel found on disk, Piscina pools, datasets read from files, run
// directories, supernets on disk and their worker-thread trainer, tfjs's Node setup.
export * from '../web/index.ts';
export { loadSimulatorNode, wasmModule, wasmPath } from './simulator.ts';
export { createNodePool } from './pool.ts';
export { loadDataset, loadEmbeddedMnist } from './dataset-files.ts';
export { fileRunStore } from './run-store.ts';
export { readJournal, Journal } from './journal-file.ts';
export { cachedSupernetTrainer, storedSupernet } from './supernet-trainer.ts';
export { saveSupernet, loadSupernetState, hasSupernet } from './supernet-files.ts';
export { setupTfjs } from './tfjs-setup.ts';
