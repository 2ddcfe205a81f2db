/*
 * The hooks of the benchmarks' flow (bench/workloads/flow.py): the export's preSavePage,
 * the import's preMap and postMap. No imports, so node runs the very same file beside
 * the hand-written transform of bench/hooks/flowReference.js.
 */
function preSavePage(options) {
  const data = options.data.map((record) => ({
    ...record,
    fullName: `${record.firstName} ${record.lastName}`,
    email: record.email.toLowerCase(),
    total: Math.round(record.quantity * record.unitPrice * 100) / 100
  }))
  return { data, errors: options.errors, abort: false, newErrorsAndRetryData: [] }
}

function preMap(options) {
  return options.data.map((record) => ({
    data: { ...record, orderDate: record.createdAt.slice(0, 10) }
  }))
}

function postMap(options) {
  return options.postMapData.map((mapped, index) => ({
    data: { ...mapped, line: index + 1, source: 'jsrt-bench' }
  }))
}
