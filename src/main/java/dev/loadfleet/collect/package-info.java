/**
 * Bringing each host's simulation.log and console log home into
 * results/&lt;run&gt;/hosts/&lt;host&gt;/.
 */
package dev.loadfleet.collect;
