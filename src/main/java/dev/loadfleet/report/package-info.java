/** The merged Gatling HTML report, summary.json and the per-host page. */
package dev.loadfleet.report;
