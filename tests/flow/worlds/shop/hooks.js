// The hooks of the "Orders to ERP" flow of tests/flow/worlds/shop/world.yaml.

function preSavePage(options) {
  const data = options.data.map((order) => Object.assign({}, order, { page: options.pageIndex }));
  return { data: data, errors: options.errors };
}

function markCustomer(options) {
  return options.postResponseMapData.map((order, index) =>
    Object.assign({}, order, { customerFound: options.responseData[index].data.length > 0 })
  );
}

function routeByCountry(options) {
  return options.record.country === 'US' ? 0 : 1;
}

function preMapOrders(options) {
  return options.data.map((order) => ({ data: Object.assign({}, order, { total: order.qty * order.price }) }));
}

function postMapOrders(options) {
  return options.postMapData.map((mapped, index) => ({
    data: Object.assign({}, mapped, { source: options.preMapData[index].id }),
  }));
}

function postAggregate(options) {
  if (!options.postAggregateData.success) {
    throw new Error('the orders file was not written');
  }
}
