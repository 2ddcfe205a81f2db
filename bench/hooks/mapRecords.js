/*
 * The benchmarks' preSavePage: the mapping work a typical page hook does on every record
 * (spread copy, derived fields, date parsing, a lookup table, a nested copy, a deleted
 * field, per-record error collection). No imports, so node runs the very same file.
 */
const TAG_NAMES = { vip: 'VIP', new: 'New', b2b: 'B2B', churn: 'Risk' }

function preSavePage(options) {
  const errors = [...options.errors]
  const data = options.data.map((record) => {
    const out = { ...record }
    out.fullName = `${record.firstName} ${record.lastName}`.trim()
    out.email = record.email.toLowerCase()
    out.createdDate = new Date(record.createdAt).toISOString().slice(0, 10)
    out.total = Math.round(record.quantity * record.unitPrice * 100) / 100
    out.tags = record.tags.map((tag) => TAG_NAMES[tag] || tag)
    out.address = { ...record.address, country: record.address.country.toUpperCase() }
    delete out.internalNote
    if (record.quantity === 0) {
      errors.push({ code: 'EMPTY_ORDER', message: `order ${record.id} has no quantity`, source: 'preSavePage' })
    }
    return out
  })
  return { data, errors, abort: false, newErrorsAndRetryData: [] }
}
