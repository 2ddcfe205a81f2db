/*
 * filter: let only real, paid orders into the flow.
 *
 * Drops test orders (Shopify's `test` flag, or an e-mail at the store's test domain) and
 * orders that are not paid yet; partially refunded orders still count as paid. A record
 * without financial_status is not an order at all: throwing fails that record only, so
 * it shows up in the job's errors while the rest of the page goes on.
 */
const PAID = ['paid', 'partially_refunded']

function filter (options) {
  const order = options.record
  if (!order.financial_status) {
    throw new Error(`record ${order.id} has no financial_status: is this export returning orders?`)
  }
  const testOrder = order.test === true || /@test\.acme\.example$/i.test(order.email || '')
  return !testOrder && PAID.includes(order.financial_status)
}
