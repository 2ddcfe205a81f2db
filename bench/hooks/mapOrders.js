/*
 * The mapping benchmark's reference: the transform `bench/mapping.json` (a Mapper 2.0
 * mapping) describes, written by hand in JavaScript, as a user would without integrator.io:
 * the same fields, the nested objects, the array of objects built from each record's
 * tags, the template string and the static lookup table. No imports, so node runs it as
 * it is (`mapPage` is called with `{data: records}` and returns the mapped records).
 */
const STATUS_CODES = { open: 'O', paid: 'P', shipped: 'S', cancelled: 'C' }

function mapPage(options) {
  return options.data.map((record) => {
    if (!(record.status in STATUS_CODES)) throw new Error(`no status code for ${record.status}`)
    return {
      orderId: record.id,
      customer: {
        firstName: record.firstName,
        lastName: record.lastName,
        email: record.email,
        company: record.company,
      },
      fullName: `${record.firstName} ${record.lastName}`,
      version: Number(record.version),
      status: STATUS_CODES[record.status],
      quantity: Number(record.quantity),
      unitPrice: Number(record.unitPrice),
      currency: record.currency,
      sku: record.sku,
      shipTo: {
        street: record.address.street,
        city: record.address.city,
        zip: record.address.zip,
        country: record.address.country,
      },
      labels: record.tags.map((tag) => ({ name: tag, orderId: record.id })),
      priority: Number(record.priority),
      active: Boolean(record.active),
    }
  })
}
