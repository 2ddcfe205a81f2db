function transform(options) {
  return options.record // jsrt-disable-line missing-globals
}
