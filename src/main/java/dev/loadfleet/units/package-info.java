/**
 * Quantities every stage may use: sizes, durations, link speeds and how figures are written for
 * people. A leaf: it imports nothing of loadfleet's.
 */
package dev.loadfleet.units;
