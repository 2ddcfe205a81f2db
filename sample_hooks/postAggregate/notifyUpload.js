import { imports } from 'integrator-api'

/*
 * postAggregate: tell the finance channel when the daily orders CSV has been uploaded
 * to the SFTP server, or that it failed.
 *
 * The message goes out through a Slack import (the id is an integration setting), so the
 * Slack connection, its retries and its errors stay visible in integrator.io. A failed
 * upload is reported and then thrown, so the job shows it as a fatal error too.
 */
function postAggregate (options) {
  const upload = options.postAggregateData
  const slackImportId = options.settings.integration.slackImportId
  const fileName = (upload._json && upload._json.name) || 'the orders file'

  const text = upload.success
    ? `:white_check_mark: ${fileName} uploaded to SFTP (job ${options.job._id})`
    : `:x: ${fileName} was not uploaded: ${upload.message || upload.code} (job ${options.job._id})`
  const [response] = imports.run({ _id: slackImportId, data: [{ channel: '#finance-ops', text }] })
  if (response.statusCode !== 200) {
    console.warn(`Slack notification failed: ${JSON.stringify(response.errors)}`)
  }

  if (!upload.success) {
    throw new Error(`upload of ${fileName} failed: ${upload.code}: ${upload.message}`)
  }
}
