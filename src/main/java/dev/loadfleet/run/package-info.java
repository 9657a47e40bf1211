/**
 * Starting injectors at one instant, watching them live, stopping them; run.json holds a run's
 * state.
 */
package dev.loadfleet.run;
