/*
 * What a developer would write by hand in node for the benchmarks' flow: the same hooks
 * (bench/hooks/flowHooks.js, loaded before this file) with the lookup's response
 * mapping, the import's 20-field mapping and its responses written as plain JavaScript.
 * `runFlow` takes {pages: [[record, ...], ...], lookup: <the lookup's answer>} and
 * returns what the import received, page by page.
 */
function mapOrder(record) {
  return {
    externalId: record.id,
    customerName: record.fullName,
    email: record.email,
    region: record.region,
    company: record.company,
    createdAt: record.createdAt,
    orderDate: record.orderDate,
    version: record.version,
    status: record.status,
    quantity: record.quantity,
    unitPrice: record.unitPrice,
    currency: record.currency,
    sku: record.sku,
    city: record.address.city,
    zip: record.address.zip,
    country: record.address.country,
    priority: record.priority,
    active: record.active,
    customerTier: record.customerTier,
    total: record.total
  }
}

function runFlow(options) {
  const received = []
  for (const page of options.pages) {
    const exported = preSavePage({ data: page, errors: [] }).data
    const looked = exported.map((record) => {
      const response = { data: [options.lookup], errors: [], ignored: false, statusCode: 200 }
      return { ...record, customerTier: response.data[0].tier, creditLimit: response.data[0].creditLimit }
    })
    const preMapped = preMap({ data: looked }).map((outcome) => outcome.data)
    const mapped = preMapped.map(mapOrder)
    const postMapped = postMap({ preMapData: preMapped, postMapData: mapped }).map((outcome) => outcome.data)
    const responses = postMapped.map((record, index) => ({ statusCode: 200, id: `${record.externalId}-${index}`, errors: [], ignored: false }))
    received.push({ data: postMapped, responses: responses.length })
  }
  return received
}
