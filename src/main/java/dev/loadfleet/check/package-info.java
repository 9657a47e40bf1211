/**
 * Pre-flight checks of injector hosts over SSH: host key, Java, disk, descriptors, clock offset,
 * target reachability.
 */
package dev.loadfleet.check;
