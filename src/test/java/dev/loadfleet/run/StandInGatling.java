package dev.loadfleet.run;

import dev.loadfleet.check.ClockOffset;
import dev.loadfleet.plan.Share;
import dev.loadfleet.remote.SshHosts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Installs the real bin/injector on a fixture host with a stand-in for the JVM (that host's
 * JAVA_HOME points at it), for tests of what the launcher and the script do around Gatling. The
 * stand-in writes the progress file it is given, starts a child (a JVM has threads, a shell
 * children), runs for {@code -Dseconds=N} (default 600) and exits with {@code -Dexit=N}; like the
 * simulation, it ends early within a second of its {@code -DstopFile} appearing (the last {@code
 * -DstopFile} given counts: an empty one, e.g. from INJECTOR_JAVA_OPTS, ignores stops). Its
 * progress says its first student started at {@code -DinjectionStart=EPOCHMS} (default 0: none
 * yet).
 */
final class StandInGatling {
  private StandInGatling() {}

  /**
   * @return the bundle dir on the host (holding bin/injector)
   */
  static Path install(SshHosts.Host host) throws IOException {
    Path bundle = host.home().resolve("bundle");
    Path bin = Files.createDirectories(bundle.resolve("bin"));
    Files.copy(
        Path.of("src/main/bundle/bin/injector"),
        bin.resolve("injector"),
        StandardCopyOption.REPLACE_EXISTING);
    bin.resolve("injector").toFile().setExecutable(true);
    Path fakeJavaHome = Files.createDirectories(host.home().resolve("jdk/bin"));
    Files.writeString(
        fakeJavaHome.resolve("java"),
        String.join(
            "\n",
            "#!/bin/bash",
            "progress=; seconds=600; code=0; stop=; start=0",
            "for a in \"$@\"; do case \"$a\" in -DprogressFile=*) progress=${a#*=};; -Dseconds=*) seconds=${a#*=};;"
                + " -Dexit=*) code=${a#*=};; -DstopFile=*) stop=${a#*=};;"
                + " -DinjectionStart=*) start=${a#*=};; esac; done",
            "echo \"args: $*\"",
            // not a Gatling log, but not empty either: an empty one is left out of the report
            "mkdir -p gatling/run-1 && echo stand-in > gatling/run-1/simulation.log",
            "sleep 600 &",
            "child=$!",
            "for i in $(seq 0 \"$seconds\"); do",
            // as the simulation writes it: one JSON object, no line break after it
            "  printf '%s' \"{\\\"time\\\":$(date +%s%3N),\\\"injectionStart\\\":$start,\\\"usersStarted\\\":3,\\\"usersActive\\\":2,\\\"uploadsOk\\\":$i,\\\"finished\\\":false}\" > \"$progress.tmp\"",
            "  mv \"$progress.tmp\" \"$progress\"",
            "  if [ -n \"$stop\" ] && [ -e \"$stop\" ]; then echo \"stop file seen\"; break; fi",
            "  [ \"$i\" = \"$seconds\" ] || sleep 1",
            "done",
            "kill $child",
            "exit \"$code\"",
            ""));
    fakeJavaHome.resolve("java").toFile().setExecutable(true);
    host.setEnv("JAVA_HOME", host.home().resolve("jdk").toString());
    return bundle;
  }

  /** A planned host of run {@code runId} on {@code host}, driven through {@code bundle}. */
  static HostRun planned(SshHosts.Host host, Path bundle, String runId, int users) {
    return HostRun.planned(
        host.spec(),
        new Share(host.name(), users, 1, 0),
        ClockOffset.ZERO,
        0,
        new HostRun.RemotePaths(
            bundle.toString(), host.baseDir().resolve("runs").resolve(runId).toString()));
  }
}
