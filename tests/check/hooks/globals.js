// A transform written for Node: its globals do not exist in integrator.io.
function transform(options) {
  const started = process.hrtime()
  const copy = Buffer.from(JSON.stringify(options.record)) // jsrt-disable-line missing-global
  // jsrt-disable-next-line
  setTimeout(() => {}, 0)
  return { ...options.record, started, size: copy.length }
}
