package dev.loadfleet.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.loadfleet.check.ClockOffset;
import dev.loadfleet.config.HostSpec;
import dev.loadfleet.config.JumpHost;
import dev.loadfleet.plan.Share;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One host of a run as run.json records it, in named parts: how to reach it, its share of the
 * users, its clock, the instant its injection begins, where its run lives on it, and its state.
 * Immutable, so all {@code with} methods return a new occurrence.
 *
 * <p>run.json keeps one flat object per host with the field names it always had ({@link Json}), so
 * a run recorded by an earlier launcher is still read by {@code status}, {@code stop} and {@code
 * collect}.
 *
 * @param spec how to reach the host (no secrets: the key file's path only); its weight and user cap
 *     are plan inputs, not recorded, so read back they are 1 and 0
 * @param clock the host's clock minus the launcher's, as {@code check} measured it
 * @param startAt the instant its injection begins, in the host's own clock (epoch ms)
 * @param pid the injector's process group id, once started
 * @param exitCode Gatling's exit code, once known
 * @param stop how its injector ended when the launcher asked it to, once it did
 */
public record HostRun(
    HostSpec spec,
    Share share,
    ClockOffset clock,
    long startAt,
    RemotePaths paths,
    HostState state,
    OptionalLong pid,
    OptionalInt exitCode,
    String message,
    Optional<StopOutcome> stop) {

  /** How a host's injector ended after the launcher asked it to end its run. */
  public enum StopOutcome {
    /** It ended its run by itself: Gatling wrote out its whole log. */
    ENDED,
    /** Still running after the grace: sent TERM; its log lacks what Gatling still buffered. */
    TERMINATED,
    /** TERM did not end it within 10 s: sent KILL; its log lacks what Gatling still buffered. */
    KILLED;

    @JsonValue
    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static StopOutcome of(String text) {
      return EnumText.of(values(), StopOutcome::text, text, "stop outcome");
    }

    /** Whether the injector was signalled, so its log lacks Gatling's last buffer. */
    public boolean signalled() {
      return this != ENDED;
    }
  }

  /**
   * Where the host's part of the run lives on it.
   *
   * @param bundleDir the unpacked injector bundle (holds bin/injector)
   * @param runDir this run's dir: pid, console.log, progress.json, gatling/
   */
  public record RemotePaths(String bundleDir, String runDir) {}

  /** A host in the plan, not started yet. */
  public static HostRun planned(
      HostSpec spec, Share share, ClockOffset clock, long startAt, RemotePaths paths) {
    return new HostRun(
        spec,
        share,
        clock,
        startAt,
        paths,
        HostState.PLANNED,
        OptionalLong.empty(),
        OptionalInt.empty(),
        "",
        Optional.empty());
  }

  public String name() {
    return spec.name();
  }

  public int users() {
    return share.users();
  }

  public boolean started() {
    return pid.isPresent();
  }

  /** Finished, failed, stopped or idle: nothing more will happen on the host. */
  public boolean terminal() {
    return state.terminal();
  }

  public HostRun withState(HostState newState, String newMessage) {
    return new HostRun(
        spec, share, clock, startAt, paths, newState, pid, exitCode, newMessage, stop);
  }

  /** Stopped on request: how its injector ended, and in words. */
  public HostRun withStop(StopOutcome outcome, String newMessage) {
    return new HostRun(
        spec,
        share,
        clock,
        startAt,
        paths,
        HostState.STOPPED,
        pid,
        exitCode,
        newMessage,
        Optional.of(outcome));
  }

  /** Started: running as process group {@code newPid}. */
  public HostRun withStart(long newPid) {
    return new HostRun(
        spec,
        share,
        clock,
        startAt,
        paths,
        HostState.RUNNING,
        OptionalLong.of(newPid),
        exitCode,
        message,
        stop);
  }

  /** Gatling ended with {@code code}. */
  public HostRun withExit(HostState newState, int code, String newMessage) {
    return new HostRun(
        spec, share, clock, startAt, paths, newState, pid, OptionalInt.of(code), newMessage, stop);
  }

  @JsonValue
  Json json() {
    return new Json(
        spec.name(),
        spec.address(),
        spec.port(),
        spec.user(),
        spec.keyFile().map(Path::toString).orElse(null),
        spec.jump().map(JumpHost::toString).orElse(null),
        spec.baseDir(),
        spec.nicBitsPerSecond(),
        spec.netInterface().orElse(null),
        share.users(),
        share.rampRate(),
        share.idOffset(),
        clock.offsetMs(),
        clock.uncertaintyMs(),
        startAt,
        paths.bundleDir(),
        paths.runDir(),
        state,
        pid.isPresent() ? pid.getAsLong() : null,
        exitCode.isPresent() ? exitCode.getAsInt() : null,
        message,
        stop.orElse(null));
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static HostRun of(Json j) {
    // A run.json written before the NIC speed was recorded has 0: the inventory's default then.
    long nic =
        j.nicBitsPerSecond() > 0 ? j.nicBitsPerSecond() : HostSpec.DEFAULT_NIC_BITS_PER_SECOND;
    HostSpec spec =
        new HostSpec(
            j.name(),
            j.address(),
            j.port(),
            j.user(),
            Optional.ofNullable(j.keyFile()).map(Path::of),
            Optional.ofNullable(j.jump()).map(HostRun::jumpHost),
            j.baseDir(),
            1,
            0,
            nic,
            Optional.ofNullable(j.netInterface()));
    return new HostRun(
        spec,
        new Share(j.name(), j.users(), j.rampRate(), j.idOffset()),
        new ClockOffset(j.clockOffsetMs(), j.clockUncertaintyMs()),
        j.startAt(),
        new RemotePaths(j.bundleDir(), j.runDir()),
        j.state(),
        j.pid() == null ? OptionalLong.empty() : OptionalLong.of(j.pid()),
        j.exitCode() == null ? OptionalInt.empty() : OptionalInt.of(j.exitCode()),
        j.message() == null ? "" : j.message(),
        Optional.ofNullable(j.stop()));
  }

  /** {@code user@address:port}, as {@link JumpHost#toString()} writes it. */
  private static JumpHost jumpHost(String text) {
    int at = text.indexOf('@');
    int colon = text.lastIndexOf(':');
    if (at <= 0 || colon < at || !text.substring(colon + 1).matches("\\d{1,5}")) {
      throw new IllegalArgumentException(
          "jump '" + text + "' is not user@address:port as the launcher writes it");
    }
    return new JumpHost(
        text.substring(0, at),
        text.substring(at + 1, colon),
        Integer.parseInt(text.substring(colon + 1)));
  }

  /**
   * One host in run.json: the flat field names every launcher version wrote.
   *
   * @param nicBitsPerSecond 0 in a run.json written before it was recorded
   * @param netInterface the interface health sampling counts, or null for all but loopback
   * @param stop null until the launcher stopped the host (and in a run.json written before)
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Json(
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
      HostState state,
      Long pid,
      Integer exitCode,
      String message,
      @JsonInclude(JsonInclude.Include.NON_NULL) StopOutcome stop) {}
}
