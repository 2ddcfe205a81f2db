import dayjs from 'dayjs'

/*
 * transform: reshape a Shopify order into the flat record the rest of the flow expects.
 *
 * Money arrives as strings ("19.00") and becomes numbers; the order date becomes a
 * plain YYYY-MM-DD; the shipping address is folded into one line. When the export groups
 * records (one record = an array of rows), each row is transformed. An order without
 * line_items cannot be fulfilled: the throw fails that record only.
 */
function flatten (order) {
  if (!Array.isArray(order.line_items)) {
    throw new Error(`order ${order.name} has no line_items`)
  }
  const ship = order.shipping_address || {}
  return {
    orderNumber: order.name.replace(/^#/, ''),
    orderDate: dayjs(order.created_at).format('YYYY-MM-DD'),
    email: (order.email || '').toLowerCase(),
    total: Number(order.total_price),
    currency: order.currency,
    shipTo: [ship.address1, ship.zip, ship.city, ship.country_code].filter(Boolean).join(', '),
    lines: order.line_items.map((item) => ({ sku: item.sku, qty: item.quantity, price: Number(item.price) }))
  }
}

function transform (options) {
  const record = options.record
  return Array.isArray(record) ? record.map(flatten) : flatten(record)
}
