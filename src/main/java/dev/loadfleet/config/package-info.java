/**
 * Validated, immutable records for the workload and the injector inventory, loaded from conf/ and
 * -D overrides.
 */
package dev.loadfleet.config;
