package dev.loadfleet.check;

/**
 * @param installJava install a JRE 17 through the host's package manager (with sudo) when missing
 * @param bundleBytes size of the injector bundle archive, for the free-disk check (0 = unknown)
 */
public record CheckOptions(boolean installJava, long bundleBytes) {}
