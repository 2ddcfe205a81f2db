import dayjs from 'dayjs'

/*
 * postMap: finish the NetSuite sales orders the mapping produced.
 *
 * - tranDate: the mapping copies Shopify's ISO timestamp; NetSuite wants the order's
 *   calendar day as MM/DD/YYYY.
 * - item lines: Shopify can send the same SKU on several lines (a discount split, a
 *   re-added item); NetSuite should get one line per item with the quantities added up.
 * - an order mapped without a customer (entity) fails on its own, naming the order.
 * - cancelled orders are skipped ({}), not failed.
 */
function mergeLines (lines) {
  const byItem = {}
  const merged = []
  for (const line of lines || []) {
    const same = byItem[line.item]
    if (same && same.rate === line.rate) {
      same.quantity += line.quantity
    } else {
      byItem[line.item] = { ...line }
      merged.push(byItem[line.item])
    }
  }
  return merged
}

function postMap (options) {
  return options.postMapData.map((salesOrder, i) => {
    const order = options.preMapData[i]
    if (order.cancelled_at) return {}
    if (!salesOrder.entity) {
      return { errors: [{ code: 'MISSING_CUSTOMER', message: `order ${order.name}: the mapping found no NetSuite customer (entity)`, source: 'postMap' }] }
    }
    return {
      data: {
        ...salesOrder,
        tranDate: dayjs(order.created_at).format('MM/DD/YYYY'),
        item: mergeLines(salesOrder.item),
        memo: `Shopify ${order.name}`
      }
    }
  })
}
