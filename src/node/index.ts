// The Node library entry (package export "."; browsers get dist/web/index.js): the web-standard API
// plus what needs Node: the bundled kernel found on disk, Piscina pools, datasets read from files.
export * from '../web/index.ts';
export { loadSimulatorNode, wasmModule, wasmPath } from './simulator.ts';
export { createNodePool } from './pool.ts';
export { loadDataset, loadEmbeddedMnist } from './dataset-files.ts';
