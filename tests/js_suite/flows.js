// flows.run as a success and a failure. Run as a generic script.
import { flows } from 'integrator-api'

function attempt(call) {
  try { return { ok: true, value: call() } }
  catch (e) { return { ok: false, name: e.name, message: e.message, code: e.code, statusCode: e.statusCode, errors: e.errors, json: JSON.stringify(e) } }
}

function runs(options) {
  const started = attempt(() => flows.run({ _id: 'orderSync', startDate: '2025-01-01T00:00:00.000Z' }))
  return {
    run: started.ok
      ? { ok: true, value: { status: started.value.status, hasJobId: /^[0-9a-f]{24}$/.test(started.value._jobId) } }
      : started,
    runUnknown: attempt(() => flows.run({ _id: 'ffffffffffffffffffffffff' })),
    runWithoutId: attempt(() => flows.run({})),
  }
}
