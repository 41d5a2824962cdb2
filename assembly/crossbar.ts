// One crossbar array (mnsim-model.md §3.2).

/** Area of one R x C array with its row drivers, µm². */
export function xbarAreaUm2(rows: f64, cols: f64, cellAreaUm2: f64, digitalPim: bool, transistorTechNm: f64,
  areaFromTech: bool, isSram: bool, is0T1R: bool, deviceTechNm: f64): f64 {
  if (areaFromTech) {
    if (isSram) return 5 * rows * cols;
    const f2 = deviceTechNm * deviceTechNm * 1e-6;
    return (is0T1R ? 4 : 12) * rows * cols * f2;
  }
  if (digitalPim) {
    const t = transistorTechNm / 65;
    return rows * cols * cellAreaUm2 + rows * (7.3 * 2.7 + 9.5 * 3.8) * t * t;
  }
  // 1150 µm² per row: the row driver of the ISSCC "78.4 TOPS/W" macro.
  return rows * cols * cellAreaUm2 + 1150 * rows;
}

/** Read latency of one array, ns: the cell latency plus a wire term in the array size S (KB). */
export function xbarReadLatencyNs(rows: f64, cols: f64, cellReadLatencyNs: f64): f64 {
  const s = rows * cols / 8192;
  return cellReadLatencyNs + 0.001 * (2e-4 * s * s + 5e-6 * s + 4e-14);
}
