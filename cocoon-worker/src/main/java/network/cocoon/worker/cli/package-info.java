/**
 * The worker's command line: every option typed, with its default in {@code --help}; a properties file that flags
 * override ({@code --config}, {@code --print-config}); one-line errors with exit status 2 for bad values.
 */
package network.cocoon.worker.cli;
