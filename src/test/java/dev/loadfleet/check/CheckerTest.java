package dev.loadfleet.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.config.HostSpec;
import dev.loadfleet.plan.Plan;
import dev.loadfleet.plan.Share;
import dev.loadfleet.remote.Fleet;
import dev.loadfleet.remote.SshHosts;
import dev.loadfleet.remote.SshOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CheckerTest {
  @RegisterExtension static final SshHosts HOSTS = SshHosts.of(2);

  @Test
  void readyHostUnreachableHostAndHostWithoutJavaAreEachReportedWithFixes() throws Exception {
    HOSTS.get(1).restrictPath(pathWithoutJava().toString());
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    HostSpec good = HOSTS.get(0).spec();
    HostSpec noJava = HOSTS.get(1).spec();
    HostSpec gone =
        new HostSpec(
            "gone",
            "127.0.0.1",
            closedPort,
            good.user(),
            good.keyFile().orElseThrow(),
            good.jump(),
            good.baseDir(),
            1,
            0);
    List<HostSpec> hosts = List.of(good, noJava, gone);
    Plan plan =
        new Plan(
            30,
            3,
            List.of(
                new Share("host0", 10, 1, 0),
                new Share("host1", 10, 1, 10),
                new Share("gone", 10, 1, 20)));
    // a real HTTP server as the target
    com.sun.net.httpserver.HttpServer target =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    target.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    target.start();
    try (Fleet fleet = Fleet.connect(hosts, SshOptions.of(HOSTS.knownHosts(), false))) {
      String url = "http://127.0.0.1:" + target.getAddress().getPort() + "/";
      List<HostReport> reports =
          Checker.checkAll(fleet, plan, url, new CheckOptions(false, 50_000_000));
      StringWriter table = new StringWriter();
      Checker.print(reports, new PrintWriter(table));

      HostReport ok = reports.get(0);
      assertTrue(ok.ok(), table.toString());
      assertEquals(String.valueOf(Runtime.version().feature()), ok.fact("java"));
      assertEquals(String.valueOf(Runtime.getRuntime().availableProcessors()), ok.fact("cpus"));
      assertTrue(
          Math.abs(ok.clock().orElseThrow().offsetMs()) <= 50,
          "same machine, same clock: " + ok.clock());
      assertTrue(ok.clock().get().uncertaintyMs() >= 1);

      HostReport missing = reports.get(1);
      assertFalse(missing.ok());
      assertEquals("MISSING", missing.fact("java"));
      assertTrue(
          missing.problems().stream()
              .anyMatch(p -> p.what().contains("java not found") && p.fix().contains("openjdk-17")),
          table.toString());

      HostReport unreachable = reports.get(2);
      assertFalse(unreachable.ok());
      assertEquals("REFUSED", unreachable.fact("ssh"));
      assertTrue(
          unreachable
              .problems()
              .get(0)
              .what()
              .equals(
                  "127.0.0.1:"
                      + closedPort
                      + " refused the connection (nothing listens on port "
                      + closedPort
                      + ")"),
          table.toString());
      assertTrue(
          unreachable.problems().get(0).fix().contains("check the port in the inventory"),
          table.toString());

      assertFalse(Checker.allOk(reports));
      assertTrue(table.toString().contains("2 of 3 hosts not ready"), table.toString());
    } finally {
      target.stop(0);
      HOSTS.get(1).restrictPath(System.getenv("PATH"));
    }
  }

  @Test
  void unreachableTargetAndLowDescriptorLimitAreProblems() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (Fleet fleet =
        Fleet.connect(List.of(HOSTS.get(0).spec()), SshOptions.of(HOSTS.knownHosts(), false))) {
      Plan plan = new Plan(10_000_000, 1, List.of(new Share("host0", 10_000_000, 1, 0)));
      HostReport r =
          Checker.checkAll(
                  fleet, plan, "http://127.0.0.1:" + closedPort, new CheckOptions(false, 0))
              .get(0);
      assertEquals("UNREACHABLE", r.fact("target"));
      assertTrue(
          r.problems().stream().anyMatch(p -> p.what().contains("open-file limit")),
          r.problems().toString());
    }
  }

  /** A directory with every /usr/bin tool linked in, except java: a host without a JRE. */
  private static Path pathWithoutJava() throws IOException {
    Path bin = Files.createDirectories(HOSTS.root().resolve("bin-without-java"));
    List<Path> tools = new ArrayList<>();
    try (Stream<Path> s = Files.list(Path.of("/usr/bin"))) {
      s.filter(p -> !p.getFileName().toString().startsWith("java")).forEach(tools::add);
    }
    for (Path t : tools) {
      Path link = bin.resolve(t.getFileName());
      if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(link, t);
      }
    }
    return bin;
  }

  @Test
  void aHostWhoseClockRunsFiveSecondsAheadIsMeasuredSo() throws Exception {
    // the host's `date` reads its clock 5 s ahead (as under libfaketime), everything else as is
    Path bin = Files.createDirectories(HOSTS.root().resolve("bin-fast-clock"));
    Path date = bin.resolve("date");
    Files.writeString(
        date,
        "#!/bin/sh\nexec /usr/bin/date -d @$(( $(/usr/bin/date +%s) + 5 )).$(/usr/bin/date +%N) \"$@\"\n");
    date.toFile().setExecutable(true);
    HOSTS.get(0).restrictPath(bin + ":" + System.getenv("PATH"));
    try (Fleet fleet =
        Fleet.connect(List.of(HOSTS.get(0).spec()), SshOptions.of(HOSTS.knownHosts(), false))) {
      ClockOffset clock = HostChecker.measureClock(fleet.get("host0").orElseThrow());
      assertTrue(Math.abs(clock.offsetMs() - 5000) <= 60 + clock.uncertaintyMs(), clock.toString());
    } finally {
      HOSTS.get(0).restrictPath(System.getenv("PATH"));
    }
  }
}
