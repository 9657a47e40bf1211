package dev.loadfleet.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadfleet.remote.ExecResult;
import dev.loadfleet.remote.RemoteHost;
import dev.loadfleet.remote.Shell;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The bundle's {@code bin/injector} on one host, driven over SSH with quoted arguments. */
public final class Injector {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  private Injector() {}

  /** Remote state and the latest progress.json, read in one round trip. */
  public record Poll(String status, java.util.OptionalInt jvmPid, Optional<Progress> progress) {
    public boolean running() {
      return status.equals("running");
    }
  }

  /**
   * The simulation's progress file (CONTRACTS §2).
   *
   * @param time when it was written, in the host's clock (epoch ms)
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
      boolean finished) {
    public long requestsOk() {
      return uploadsOk + heartbeatsOk;
    }

    public long requestsKo() {
      return uploadsKo + heartbeatsKo;
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
          n.path("finished").asBoolean());
    }
  }

  /** Starts Gatling detached; returns its process group id. */
  public static long start(
      RemoteHost remote, HostRun host, String simulation, Map<String, String> knobs)
      throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(host.bundleDir() + "/bin/injector", "start", host.runDir(), simulation));
    knobs.forEach((k, v) -> args.add("-D" + k + "=" + v));
    String out = remote.execOk(Shell.command(args), TIMEOUT, "starting the injector").trim();
    try {
      return Long.parseLong(out.lines().reduce((a, b) -> b).orElse(""));
    } catch (NumberFormatException e) {
      throw new IOException(
          host.name() + ": the injector start printed '" + out + "' instead of its pid");
    }
  }

  public static Poll poll(RemoteHost remote, HostRun host) throws IOException {
    String cmd =
        Shell.command(host.bundleDir() + "/bin/injector", "status", host.runDir())
            + "; cat "
            + Shell.quote(host.runDir() + "/jvm.pid")
            + " 2>/dev/null"
            + "; echo '--'; cat "
            + Shell.quote(host.runDir() + "/progress.json")
            + " 2>/dev/null || true";
    ExecResult r = remote.exec(cmd, TIMEOUT);
    String[] parts = r.stdout().split("\n--\n", 2);
    String[] head = parts[0].trim().split("\n");
    String status = head[0].trim();
    java.util.OptionalInt jvmPid = java.util.OptionalInt.empty();
    if (head.length > 1 && head[1].trim().matches("\\d{1,9}")) {
      jvmPid = java.util.OptionalInt.of(Integer.parseInt(head[1].trim()));
    }
    if (status.isEmpty()) {
      throw new IOException(host.name() + ": injector status gave nothing (" + r.describe() + ")");
    }
    Optional<Progress> progress = Optional.empty();
    if (parts.length == 2 && !parts[1].isBlank()) {
      try {
        progress = Optional.of(Progress.parse(parts[1]));
      } catch (IOException e) {
        // caught mid-rename or an older writer: the next poll reads it
      }
    }
    return new Poll(status, jvmPid, progress);
  }

  /** TERM to the injector's whole process group, KILL after {@code graceSeconds}. */
  public static String stop(RemoteHost remote, HostRun host, int graceSeconds) throws IOException {
    return remote
        .execOk(
            Shell.command(
                host.bundleDir() + "/bin/injector",
                "stop",
                host.runDir(),
                String.valueOf(graceSeconds)),
            Duration.ofSeconds(graceSeconds + 20),
            "stopping the injector")
        .trim();
  }
}
