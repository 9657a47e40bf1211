/**
 * Bringing each host's simulation.log, console log and progress home into
 * results/&lt;run&gt;/hosts/&lt;host&gt;/, and judging each host's health from the samples taken
 * during the run.
 */
package dev.loadfleet.collect;
