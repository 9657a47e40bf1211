package dev.loadfleet.plan;

import dev.loadfleet.units.LinkSpeed;

/**
 * The planner's knobs: how hard one injector may be driven. {@link #DEFAULTS} holds loadfleet's own
 * figures, measured by the injector benchmark (BENCHMARKS.md, "Injector"); {@link #GUIDE} keeps the
 * Locust guide's, so its sizing table can still be reproduced.
 *
 * @param nicHeadroom fraction of a NIC's declared speed the plan may use (0 < h <= 1). 0.8 leaves
 *     room for TCP/IP and Ethernet framing (about 5 % at a 1500-byte MTU), multipart headers,
 *     heartbeats bunching with uploads and other traffic on the host, so that an injector running
 *     at plan never touches the 90 % NIC saturation flag.
 * @param maxUsersPerHost users one injector carries at most whatever its NIC: the guide's
 *     workers_needed = ceil(users / 150)
 * @param coresPerUser CPU cores one user needs (0 = do not check CPU)
 * @param memoryBytesPerUser memory one user needs (0 = do not check memory)
 * @param connectionsPerUser TCP connections one user holds open at once (upload and heartbeat
 *     scenarios each keep their own connection)
 * @param baseDescriptors descriptors the injector JVM opens before any user (jars, logs, epoll,
 *     pipes), added to every host's descriptor need
 * @param defaultNic NIC speed assumed when an injector's is not declared
 */
public record Limits(
    double nicHeadroom,
    int maxUsersPerHost,
    double coresPerUser,
    double memoryBytesPerUser,
    int connectionsPerUser,
    int baseDescriptors,
    LinkSpeed defaultNic) {

  /** Users one injector carries at most: the guide's formula divides by 150. */
  public static final int GUIDE_USERS_PER_HOST = 150;

  /**
   * The guide's minimum injector (4 cores, 8 GB, 1 Gbps) for {@value #GUIDE_USERS_PER_HOST} users,
   * scaled per user: Locust figures, kept to reproduce the guide's table.
   */
  public static final Limits GUIDE =
      new Limits(
          0.8,
          GUIDE_USERS_PER_HOST,
          4.0 / GUIDE_USERS_PER_HOST,
          8.0 * (1L << 30) / GUIDE_USERS_PER_HOST,
          2,
          512,
          LinkSpeed.ONE_GBPS);

  /**
   * Measured on one loadfleet injector JVM with the guide's workload (BENCHMARKS.md, "Injector"):
   * 1000 students ran in a 512 MiB heap at 0.30-0.39 cores, so 1 core and 1 GiB per 1,000 students
   * (about 3x the steady need, for GC, JIT and ramp bursts), at most 1,000 students per JVM (the
   * most measured), 2 connections per student. The NIC then decides: 171 students per 1 Gbit/s at
   * 80 % headroom.
   */
  public static final Limits DEFAULTS =
      new Limits(0.8, 1000, 1.0 / 1000, (double) (1L << 30) / 1000, 2, 512, LinkSpeed.ONE_GBPS);

  public Limits {
    if (!(nicHeadroom > 0 && nicHeadroom <= 1)) {
      throw new IllegalArgumentException(
          "nicHeadroom is " + nicHeadroom + ": use a fraction above 0 and at most 1, e.g. 0.8");
    }
    if (maxUsersPerHost <= 0) {
      throw new IllegalArgumentException(
          "maxUsersPerHost is " + maxUsersPerHost + ": use at least 1, e.g. 150");
    }
    if (coresPerUser < 0
        || memoryBytesPerUser < 0
        || connectionsPerUser < 0
        || baseDescriptors < 0) {
      throw new IllegalArgumentException(
          "coresPerUser, memoryBytesPerUser, connectionsPerUser and baseDescriptors cannot be"
              + " negative: use 0 to skip a check");
    }
    if (defaultNic == null) {
      throw new IllegalArgumentException("defaultNic is missing: use LinkSpeed.ONE_GBPS");
    }
  }

  /** The same knobs with another per-host user cap (e.g. a measured one). */
  public Limits withMaxUsersPerHost(int users) {
    return new Limits(
        nicHeadroom,
        users,
        coresPerUser,
        memoryBytesPerUser,
        connectionsPerUser,
        baseDescriptors,
        defaultNic);
  }

  /** Bits per second the plan lets a NIC of this speed carry. */
  public double usableBits(LinkSpeed nic) {
    return nic.bitsPerSecond() * nicHeadroom;
  }

  /** Descriptors an injector carrying this many users needs open at once. */
  public long descriptorsFor(long users) {
    return users * connectionsPerUser + baseDescriptors;
  }
}
