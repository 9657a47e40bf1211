package dev.loadfleet.run;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.loadfleet.config.HostSpec;
import dev.loadfleet.config.JumpHost;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One host of a run as recorded in run.json: enough to reconnect (no secrets), its share, its clock
 * offset and start instant, where its run lives remotely, and its state.
 *
 * @param nicBitsPerSecond the declared NIC speed, kept so a later {@code collect} judges NIC
 *     saturation as the run did (0 in a run.json written before it was recorded: 1 Gbps)
 * @param netInterface the interface health sampling counts, or null for all but loopback
 * @param state planned | idle | running | lost | finished | failed | stopped
 * @param startAt the instant its injection begins, in the host's own clock (epoch ms)
 * @param exitCode Gatling's exit code once known
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record HostRun(
    String name,
    String address,
    int port,
    String user,
    String keyFile,
    String jump,
    String baseDir,
    long nicBitsPerSecond,
    String netInterface,
    int users,
    double rampRate,
    int idOffset,
    long clockOffsetMs,
    long clockUncertaintyMs,
    long startAt,
    String bundleDir,
    String runDir,
    String state,
    Long pid,
    Integer exitCode,
    String message) {

  public static final String PLANNED = "planned";
  public static final String IDLE = "idle";
  public static final String RUNNING = "running";
  public static final String LOST = "lost";
  public static final String FINISHED = "finished";
  public static final String FAILED = "failed";
  public static final String STOPPED = "stopped";

  public HostSpec spec() {
    Optional<JumpHost> j = Optional.empty();
    if (jump != null) {
      String user = jump.substring(0, jump.indexOf('@'));
      String rest = jump.substring(jump.indexOf('@') + 1);
      int colon = rest.lastIndexOf(':');
      j =
          Optional.of(
              new JumpHost(
                  user, rest.substring(0, colon), Integer.parseInt(rest.substring(colon + 1))));
    }
    long nic = nicBitsPerSecond > 0 ? nicBitsPerSecond : HostSpec.DEFAULT_NIC_BITS_PER_SECOND;
    return new HostSpec(
        name,
        address,
        port,
        user,
        Path.of(keyFile),
        j,
        baseDir,
        1,
        0,
        nic,
        Optional.ofNullable(netInterface));
  }

  public boolean started() {
    return pid != null;
  }

  /** Finished, failed or stopped: nothing more will happen on the host. */
  public boolean terminal() {
    return FINISHED.equals(state)
        || FAILED.equals(state)
        || STOPPED.equals(state)
        || IDLE.equals(state);
  }

  public HostRun withState(String newState, String newMessage) {
    return new HostRun(
        name,
        address,
        port,
        user,
        keyFile,
        jump,
        baseDir,
        nicBitsPerSecond,
        netInterface,
        users,
        rampRate,
        idOffset,
        clockOffsetMs,
        clockUncertaintyMs,
        startAt,
        bundleDir,
        runDir,
        newState,
        pid,
        exitCode,
        newMessage);
  }

  public HostRun withStart(long newPid) {
    return new HostRun(
        name,
        address,
        port,
        user,
        keyFile,
        jump,
        baseDir,
        nicBitsPerSecond,
        netInterface,
        users,
        rampRate,
        idOffset,
        clockOffsetMs,
        clockUncertaintyMs,
        startAt,
        bundleDir,
        runDir,
        RUNNING,
        newPid,
        exitCode,
        message);
  }

  public HostRun withExit(String newState, Integer code, String newMessage) {
    return new HostRun(
        name,
        address,
        port,
        user,
        keyFile,
        jump,
        baseDir,
        nicBitsPerSecond,
        netInterface,
        users,
        rampRate,
        idOffset,
        clockOffsetMs,
        clockUncertaintyMs,
        startAt,
        bundleDir,
        runDir,
        newState,
        pid,
        code,
        newMessage);
  }
}
