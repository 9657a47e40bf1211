/**
 * loadfleet: one Gatling load test from several injector hosts, read as one exact report.
 *
 * <p>The packages follow the pipeline: config, plan, check, deploy, run, collect, merge, report;
 * remote holds the SSH plumbing, service the stand-in proctoring service, health the injector
 * sampling, cli the thin command line.
 */
package dev.loadfleet;
