/**
 * SSH sessions (sshj): connections, host-key verification, commands with quoted arguments,
 * transfers.
 */
package dev.loadfleet.remote;
