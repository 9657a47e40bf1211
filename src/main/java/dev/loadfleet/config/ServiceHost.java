package dev.loadfleet.config;

import java.util.Optional;

/**
 * The host the service under test runs on, named in the inventory's {@code service:} section. It is
 * reached over SSH with the same rules as an injector, never gets a share of the users, and may
 * give a command that counts what the service stored.
 *
 * @param host how to reach it (name "service" unless the inventory names it)
 * @param countCommand a shell command run on that host after the last upload; it prints one whole
 *     number, the recordings the service stored (for example {@code find /srv/data/30/recordings
 *     -type f | wc -l})
 */
public record ServiceHost(HostSpec host, Optional<String> countCommand) {}
