function preSavePage(options) {
  return { data: options.data, errors: options.errors }
}
