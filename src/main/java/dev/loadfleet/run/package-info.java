/**
 * Starting injectors at one instant, watching them live, stopping them, and bringing the run to its
 * end: {@link dev.loadfleet.run.Runner} drives a run, {@link dev.loadfleet.run.RunControl} does
 * what can be done from run.json alone (status, stop, collect and report, stage by stage), and a
 * run ends in a {@link dev.loadfleet.run.RunOutcome}, which the command line alone turns into an
 * exit code. run.json ({@link dev.loadfleet.run.RunRecord}) holds the run's state: each host as
 * {@link dev.loadfleet.run.HostRun} parts and a {@link dev.loadfleet.run.HostState}.
 */
package dev.loadfleet.run;
