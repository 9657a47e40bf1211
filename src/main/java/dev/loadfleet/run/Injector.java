package dev.loadfleet.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadfleet.live.Reading;
import dev.loadfleet.live.ResponseTimes;
import dev.loadfleet.remote.ExecResult;
import dev.loadfleet.remote.MarkedOutput;
import dev.loadfleet.remote.RemoteHost;
import dev.loadfleet.remote.Shell;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The bundle's {@code bin/injector} on one host, driven over SSH with quoted arguments. */
public final class Injector {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  private Injector() {}

  /** Remote state and the latest progress.json, read in one round trip. */
  public record Poll(Status status, OptionalInt jvmPid, Optional<Progress> progress) {
    public boolean running() {
      return status.kind() == Status.Kind.RUNNING;
    }
  }

  /**
   * What {@code bin/injector status} printed, read: running, exited CODE, stopped, died or absent.
   * Anything else is {@link Kind#UNREADABLE}, a problem of that host alone.
   *
   * @param exitCode Gatling's exit code when {@link Kind#EXITED}
   * @param text the line as printed
   */
  public record Status(Kind kind, OptionalInt exitCode, String text) {
    public enum Kind {
      RUNNING,
      EXITED,
      STOPPED,
      DIED,
      ABSENT,
      UNREADABLE
    }

    private static final Pattern EXITED = Pattern.compile("exited (-?\\d{1,9})");

    public static Status parse(String line) {
      String text = line.trim();
      Matcher exited = EXITED.matcher(text);
      if (exited.matches()) {
        return new Status(Kind.EXITED, OptionalInt.of(Integer.parseInt(exited.group(1))), text);
      }
      Kind kind =
          switch (text) {
            case "running" -> Kind.RUNNING;
            case "stopped" -> Kind.STOPPED;
            case "died" -> Kind.DIED;
            case "absent" -> Kind.ABSENT;
            default -> Kind.UNREADABLE;
          };
      return new Status(kind, OptionalInt.empty(), text);
    }

    /**
     * The host as this status leaves it: running (again), finished (Gatling exited 0, or 2 when an
     * assertion failed: the run itself completed), failed, or stopped.
     */
    public HostRun applyTo(HostRun h) {
      return switch (kind) {
        case RUNNING ->
            h.state() == HostState.LOST
                ? h.withState(HostState.RUNNING, "recovered after being lost")
                : h.withState(HostState.RUNNING, h.message());
        case EXITED -> {
          int code = exitCode.getAsInt();
          yield code == 0 || code == 2
              ? h.withExit(HostState.FINISHED, code, h.message())
              : h.withExit(
                  HostState.FAILED,
                  code,
                  "Gatling exited " + code + "; see hosts/" + h.name() + "/console.log");
        }
        case STOPPED -> h.withState(HostState.STOPPED, h.message());
        case DIED -> h.withState(HostState.FAILED, "injector died (killed?)");
        case ABSENT ->
            h.withState(HostState.FAILED, "injector absent: its run dir has no pid file");
        case UNREADABLE ->
            h.withState(
                HostState.FAILED,
                "injector status printed '"
                    + text
                    + "', none of running, exited CODE, stopped, died, absent; see hosts/"
                    + h.name()
                    + "/console.log");
      };
    }
  }

  /**
   * The simulation's progress file, rewritten every second while it runs.
   *
   * @param time when it was written, in the host's clock (epoch ms)
   * @param responseTimes per request name, every response time so far (empty when the injector
   *     records none)
   */
  public record Progress(
      long time,
      long injectionStart,
      long usersStarted,
      long usersActive,
      long usersDone,
      long uploadsOk,
      long uploadsKo,
      long heartbeatsOk,
      long heartbeatsKo,
      long bytesUploaded,
      boolean finished,
      Map<String, ResponseTimes> responseTimes) {
    public long requestsOk() {
      return uploadsOk + heartbeatsOk;
    }

    public long requestsKo() {
      return uploadsKo + heartbeatsKo;
    }

    /**
     * For the live figures: the counts per request name (the simulation's upload and heartbeat
     * counters, any other name from its histograms) with their response times.
     */
    public Reading reading() {
      Map<String, Reading.RequestTotals> requests = new LinkedHashMap<>();
      requests.put("upload", totals("upload", uploadsOk, uploadsKo));
      requests.put("heartbeat", totals("heartbeat", heartbeatsOk, heartbeatsKo));
      responseTimes.forEach(
          (name, times) ->
              requests.putIfAbsent(
                  name, new Reading.RequestTotals(times.okCount(), times.koCount(), times)));
      return new Reading(
          time, injectionStart, usersStarted, usersActive, bytesUploaded, finished, requests);
    }

    private Reading.RequestTotals totals(String name, long ok, long ko) {
      return new Reading.RequestTotals(
          ok, ko, responseTimes.getOrDefault(name, ResponseTimes.empty()));
    }

    static Progress parse(String json) throws IOException {
      JsonNode n = JSON.readTree(json);
      return new Progress(
          n.path("time").asLong(),
          n.path("injectionStart").asLong(),
          n.path("usersStarted").asLong(),
          n.path("usersActive").asLong(),
          n.path("usersDone").asLong(),
          n.path("uploadsOk").asLong(),
          n.path("uploadsKo").asLong(),
          n.path("heartbeatsOk").asLong(),
          n.path("heartbeatsKo").asLong(),
          n.path("bytesUploaded").asLong(),
          n.path("finished").asBoolean(),
          responseTimes(n.path("responseTimes")));
    }

    /**
     * "responseTimes": {name: {"ok": base64, "ko": base64}}. A name whose histograms cannot be read
     * is left out: its counts still come from the counters.
     */
    private static Map<String, ResponseTimes> responseTimes(JsonNode node) {
      Map<String, ResponseTimes> times = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        try {
          times.put(
              e.getKey(),
              ResponseTimes.decode(
                  e.getValue().path("ok").asText(), e.getValue().path("ko").asText()));
        } catch (IllegalArgumentException bad) {
          // an injector of another version, or a torn write: no percentiles for it this poll
        }
      }
      return times;
    }
  }

  /** Starts Gatling detached; returns its process group id. */
  public static long start(
      RemoteHost remote, HostRun host, String simulation, Map<String, String> knobs)
      throws IOException {
    return start(remote, host, simulation, knobs, Map.of());
  }

  /**
   * Starts Gatling detached with {@code knobs} as {@code -Dkey=value} and {@code secrets} (knobs
   * that carry a credential) through a file only the host's user can read: they travel as JSON on
   * the start command's standard input, never on a command line, and {@code bin/injector} writes
   * them to {@code <runDir>/secrets.json} (mode 0600, renamed into place whole) and removes the
   * file when Gatling ends. Returns the injector's process group id.
   */
  public static long start(
      RemoteHost remote,
      HostRun host,
      String simulation,
      Map<String, String> knobs,
      Map<String, String> secrets)
      throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                host.paths().bundleDir() + "/bin/injector",
                "start",
                host.paths().runDir(),
                simulation));
    if (!secrets.isEmpty()) {
      args.add("--secrets-stdin");
    }
    knobs.forEach((k, v) -> args.add("-D" + k + "=" + v));
    byte[] input = secrets.isEmpty() ? null : JSON.writeValueAsBytes(secrets);
    MarkedOutput out =
        MarkedOutput.parse(
            remote.execOk(
                MarkedOutput.mark("pid") + " && " + Shell.command(args) + " && " + MarkedOutput.END,
                input,
                TIMEOUT,
                "starting the injector"));
    Optional<String> pid = out.first("pid");
    if (!out.complete() || pid.isEmpty() || !pid.get().matches("\\d{1,18}")) {
      throw new IOException(
          host.name()
              + ": the injector start printed "
              + pid.map(p -> "'" + p + "'").orElse("nothing")
              + " instead of its process group id (output began: "
              + out.head().strip()
              + ")");
    }
    return Long.parseLong(pid.get());
  }

  /**
   * Reads the injector's state, its JVM's pid and the latest progress.json in one round trip.
   *
   * @throws IOException when the host's answer is cut short or has no status (as if silent)
   */
  public static Poll poll(RemoteHost remote, HostRun host) throws IOException {
    String cmd =
        String.join(
            "; ",
            MarkedOutput.mark("status"),
            Shell.command(
                host.paths().bundleDir() + "/bin/injector", "status", host.paths().runDir()),
            MarkedOutput.mark("jvm.pid"),
            "cat " + Shell.quote(host.paths().runDir() + "/jvm.pid") + " 2>/dev/null",
            MarkedOutput.mark("progress"),
            "cat " + Shell.quote(host.paths().runDir() + "/progress.json") + " 2>/dev/null",
            MarkedOutput.END);
    ExecResult r = remote.exec(cmd, TIMEOUT);
    MarkedOutput out = MarkedOutput.parse(r.stdout());
    Optional<String> status = out.first("status");
    if (!out.complete() || status.isEmpty()) {
      throw new IOException(
          host.name()
              + ": injector status gave "
              + (out.complete() ? "nothing" : "an answer cut short")
              + " ("
              + r.describe()
              + ")");
    }
    OptionalInt jvmPid = OptionalInt.empty();
    Optional<String> pid = out.first("jvm.pid");
    if (pid.isPresent() && pid.get().matches("\\d{1,9}")) {
      jvmPid = OptionalInt.of(Integer.parseInt(pid.get()));
    }
    Optional<Progress> progress = Optional.empty();
    List<String> json = out.lines("progress");
    if (!json.isEmpty()) {
      try {
        progress = Optional.of(Progress.parse(String.join("\n", json)));
      } catch (IOException e) {
        // caught mid-rename or an older writer: the next poll reads it
      }
    }
    return new Poll(Status.parse(status.get()), jvmPid, progress);
  }

  /**
   * What {@link #end} found: whether the injector was asked (or was already not running) and its
   * state right after, read in the same round trip.
   *
   * @param answer what {@code injector end} printed: asked, ended (asked before, and it ended by
   *     itself), not running or absent
   */
  public record Ending(String answer, Status status) {
    /** Whether the injector still runs its run. */
    public boolean running() {
      return status.kind() == Status.Kind.RUNNING;
    }
  }

  /**
   * Asks the injector to end its run (its simulation sees the run dir's stop file within a second;
   * asking again is harmless), and reads its state.
   *
   * @throws IOException when the host's answer is cut short or has no status
   */
  public static Ending end(RemoteHost remote, HostRun host) throws IOException {
    String script = host.paths().bundleDir() + "/bin/injector";
    String cmd =
        String.join(
            "; ",
            MarkedOutput.mark("ending"),
            Shell.command(script, "end", host.paths().runDir()),
            MarkedOutput.mark("status"),
            Shell.command(script, "status", host.paths().runDir()),
            MarkedOutput.END);
    ExecResult r = remote.exec(cmd, TIMEOUT);
    MarkedOutput out = MarkedOutput.parse(r.stdout());
    Optional<String> answer = out.first("ending");
    Optional<String> status = out.first("status");
    if (!out.complete() || answer.isEmpty() || status.isEmpty()) {
      throw new IOException(
          host.name()
              + ": asking the injector to end gave "
              + (out.complete() ? "no answer" : "an answer cut short")
              + " ("
              + r.describe()
              + ")");
    }
    return new Ending(answer.get(), Status.parse(status.get()));
  }

  /**
   * Asks the injector to end its run, waits up to {@code graceSeconds} for it to, then sends TERM
   * to its whole process group, and KILL 10 s later.
   *
   * @return what the script did: ended (by itself), terminated, killed, not running or absent
   */
  public static String stop(RemoteHost remote, HostRun host, int graceSeconds) throws IOException {
    MarkedOutput out =
        MarkedOutput.parse(
            remote.execOk(
                MarkedOutput.mark("stop")
                    + " && "
                    + Shell.command(
                        host.paths().bundleDir() + "/bin/injector",
                        "stop",
                        host.paths().runDir(),
                        String.valueOf(graceSeconds))
                    + " && "
                    + MarkedOutput.END,
                stopTimeout(graceSeconds),
                "stopping the injector"));
    return out.first("stop")
        .filter(x -> out.complete())
        .orElseThrow(
            () ->
                new IOException(
                    host.name()
                        + ": the injector stop printed no outcome (output began: "
                        + out.head().strip()
                        + ")"));
  }

  /** How long the script waits after TERM before it sends KILL. */
  static final Duration TERM_WAIT = Duration.ofSeconds(10);

  /**
   * The longest {@link #stop} waits for a host: the grace, the wait after TERM, and time for the
   * answer.
   */
  public static Duration stopTimeout(int graceSeconds) {
    return Duration.ofSeconds(graceSeconds).plus(TERM_WAIT).plus(TIMEOUT);
  }

  /** The longest one {@link #end} or {@link #poll} round trip waits. */
  static Duration commandTimeout() {
    return TIMEOUT;
  }
}
