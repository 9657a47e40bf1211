package dev.loadfleet.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One injector host of the inventory, validated: every string here is safe to place inside a
 * shell-quoted remote command, and {@code baseDir} has no {@code ..} segment.
 *
 * @param name the host's name in tables, results folders and the report (defaults to its address)
 * @param keyFile the private key to log in with (the inventory's, else ~/.ssh/config's
 *     IdentityFile); empty = the keys ssh-agent holds, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa
 * @param baseDir remote base dir; relative paths are relative to the login directory
 * @param weight share of the users relative to the other hosts' weights
 * @param maxUsers the most users this host may run, or 0 for no limit
 * @param nicBitsPerSecond the host's declared NIC speed (for health and saturation), default 1 Gbps
 * @param netInterface the interface whose traffic health sampling counts; empty = default route's
 */
public record HostSpec(
    String name,
    String address,
    int port,
    String user,
    Optional<Path> keyFile,
    Optional<JumpHost> jump,
    String baseDir,
    double weight,
    int maxUsers,
    long nicBitsPerSecond,
    Optional<String> netInterface) {

  public static final long DEFAULT_NIC_BITS_PER_SECOND = 1_000_000_000L;

  /** A host with a key file and the default NIC (1 Gbps, default route's interface). */
  public HostSpec(
      String name,
      String address,
      int port,
      String user,
      Path keyFile,
      Optional<JumpHost> jump,
      String baseDir,
      double weight,
      int maxUsers) {
    this(
        name,
        address,
        port,
        user,
        Optional.of(keyFile),
        jump,
        baseDir,
        weight,
        maxUsers,
        DEFAULT_NIC_BITS_PER_SECOND,
        Optional.empty());
  }

  /** The key known_hosts stores this host under: {@code address} or {@code [address]:port}. */
  public String knownHostsName() {
    return port == 22 ? address : "[" + address + "]:" + port;
  }

  public String bundlesDir() {
    return baseDir + "/bundles";
  }

  public String runDir(String runId) {
    return baseDir + "/runs/" + runId;
  }
}
