import dayjs from 'dayjs'

function preSavePage(options) {
  const data = options.data.map((order) => ({ ...order, day: dayjs(order.at).format('YYYY-MM-DD') }))
  return { data, errors: options.errors, abort: false }
}
