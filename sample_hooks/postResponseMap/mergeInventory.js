/*
 * postResponseMap: after the NetSuite inventory lookup, put the stock figures on each
 * order line and flag the orders that cannot ship complete.
 *
 * responseData[i] is what the lookup answered for record i: {statusCode, data: [rows],
 * errors, ignored}. Each row is one item at one location, so quantities are added up per
 * item. A lookup that failed for a record leaves the lines unknown and says why on the
 * record, instead of failing the whole page.
 */
function postResponseMap (options) {
  return options.postResponseMapData.map((order, i) => {
    const response = options.responseData[i]
    if (response.errors && response.errors.length > 0) {
      return { ...order, inventoryChecked: false, inventoryError: response.errors[0].message }
    }

    const available = {}
    for (const row of response.data || []) {
      available[row.item] = (available[row.item] || 0) + Number(row.quantityAvailable)
    }
    const lines = order.lines.map((line) => ({
      ...line,
      available: available[line.sku] || 0,
      backordered: Math.max(0, line.qty - (available[line.sku] || 0))
    }))
    return {
      ...order,
      lines,
      inventoryChecked: true,
      shipComplete: lines.every((line) => line.backordered === 0)
    }
  })
}
