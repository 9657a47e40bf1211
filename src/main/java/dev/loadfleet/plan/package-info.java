/**
 * Share computation and capacity arithmetic: how many users, which student ids and what ramp each
 * host gets.
 */
package dev.loadfleet.plan;
