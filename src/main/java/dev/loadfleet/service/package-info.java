/** The stand-in proctoring service: a streaming Netty HTTP server for uploads and heartbeats. */
package dev.loadfleet.service;
