/** The injector bundle: copied to each host atomically, named by its content hash. */
package dev.loadfleet.deploy;
