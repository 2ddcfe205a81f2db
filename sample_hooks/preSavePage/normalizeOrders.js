import dayjs from 'dayjs'

/*
 * preSavePage: runs once per page of exported records, before the rest of the flow.
 * Normalises each order: trims names, formats the order date, totals the lines, and
 * reports orders without lines as errors instead of passing them on.
 */
function preSavePage(options) {
  const data = []
  const errors = [...options.errors]

  options.data.forEach((order, index) => {
    if (!Array.isArray(order.lines) || order.lines.length === 0) {
      errors.push({ code: 'NO_LINES', message: `order ${order.id} has no lines`, source: 'preSavePage' })
      return
    }
    data.push({
      id: order.id,
      customer: order.customer.trim(),
      orderDate: dayjs(order.createdAt).format('YYYY-MM-DD'),
      total: order.lines.reduce((sum, line) => sum + line.qty * line.price, 0),
      lineCount: order.lines.length,
    })
  })

  console.log('page %d: %d orders kept, %d rejected', options.pageIndex, data.length, errors.length)
  return { data, errors, abort: false, newErrorsAndRetryData: [] }
}
