import { exports } from 'integrator-api'

function lookup(record) {
  return exports.run({ _id: 'exp-orders', data: [record] })
}

function postSubmit(options) {
  options.responseData.forEach((response, index) => lookup(options.postMapData[index]))
  return options.responseData
}
