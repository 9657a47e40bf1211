/**
 * The run's live numbers and where people watch them: each host's progress (counts and
 * response-time histograms) merged at every poll into fleet-wide and per-host figures ({@link
 * dev.loadfleet.live.LiveBoard}), the terminal view ({@link dev.loadfleet.live.TerminalView}), the
 * dashboard and its Prometheus {@code /metrics} ({@link dev.loadfleet.live.Dashboard}). The run
 * stage feeds it and judges the stop criteria on its figures.
 */
package dev.loadfleet.live;
