/** Gatling 3.15.1 binary simulation.log: reader, writer and the streaming k-way merger. */
package dev.loadfleet.merge;
