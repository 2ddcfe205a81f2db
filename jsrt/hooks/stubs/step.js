/*
 * step: runs one install or uninstall step of an integration app.
 *
 * options:
 *   formSubmission  the values the user entered (form steps)
 *   _connectionId   the connection the user chose (connection steps)
 *   resource        the integration being installed
 *   license         the integration app license
 *
 * Nothing needs to be returned. A throw fails the step.
 */
function step (options) {
}
