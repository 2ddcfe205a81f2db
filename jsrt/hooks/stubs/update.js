/*
 * update: runs when an integration app is updated to a new version.
 *
 * options:
 *   resource  the integration being updated
 *   license   the integration app license
 *
 * Nothing needs to be returned. A throw fails the update.
 */
function update (options) {
}
