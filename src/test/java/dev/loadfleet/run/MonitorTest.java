package dev.loadfleet.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.remote.Fleet;
import dev.loadfleet.remote.RemoteHost;
import dev.loadfleet.remote.SshHosts;
import dev.loadfleet.remote.SshOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live view over real SSH hosts whose injectors are the stand-in: lost, recovered, finished.
 */
class MonitorTest {
  @RegisterExtension static final SshHosts HOSTS = SshHosts.of(2);

  @TempDir Path results;

  private static List<HostRun> hosts(String runId) throws Exception {
    List<HostRun> hosts = new ArrayList<>();
    for (SshHosts.Host h : HOSTS.all()) {
      Path bundle = StandInGatling.install(h);
      hosts.add(StandInGatling.planned(h, bundle, runId, 3));
    }
    return hosts;
  }

  private static RunRecord record(String runId, List<HostRun> hosts) {
    return new RunRecord(
        runId,
        "inv.yaml",
        HOSTS.knownHosts().toString(),
        "x.Sim",
        "",
        "sha",
        6,
        2,
        System.currentTimeMillis(),
        Map.of(),
        hosts,
        new LinkedHashMap<>(),
        RunState.RUNNING,
        null,
        0,
        null);
  }

  private static Fleet connect(List<HostRun> hosts) {
    return Fleet.connect(
        hosts.stream().map(HostRun::spec).toList(), SshOptions.of(HOSTS.knownHosts(), false));
  }

  /** Starts the stand-in on every host for {@code seconds}; returns the run that says so. */
  private static RunRecord startAll(Fleet fleet, RunRecord run, String seconds) throws Exception {
    for (HostRun h : run.hosts()) {
      RemoteHost remote = fleet.get(h.name()).orElseThrow();
      long pgid = Injector.start(remote, h, "x.Sim", Map.of("seconds", seconds));
      run = run.withHost(h.name(), x -> x.withStart(pgid));
    }
    return run;
  }

  /** Watches until every host is done, polling every second; lost hosts get 10 s to return. */
  private RunRecord watch(RunRecord run, Fleet fleet, Duration lostAfter, StringWriter view)
      throws Exception {
    return new Monitor(
            run,
            fleet,
            results,
            Duration.ofSeconds(1),
            lostAfter,
            Duration.ofSeconds(10),
            new PrintWriter(view))
        .watch(new AtomicBoolean());
  }

  @Test
  void aHostThatGoesSilentIsLostThenRecoveredWhileTheOtherGoesOn() throws Exception {
    List<HostRun> hosts = hosts("monitor");
    try (Fleet fleet = connect(hosts)) {
      RunRecord run = startAll(fleet, record("monitor", hosts), "14");
      run.write(results);
      Thread cut =
          new Thread(
              () -> {
                try {
                  Thread.sleep(2500);
                  HOSTS.get(1).stop(); // the link to host1 drops...
                  Thread.sleep(6000);
                  HOSTS.get(1).restart(); // ...and comes back; its injector ran on meanwhile
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      cut.start();
      StringWriter view = new StringWriter();
      RunRecord done = watch(run, fleet, Duration.ofSeconds(3), view);
      cut.join();

      String text = view.toString();
      assertTrue(text.contains("host1 lost: no answer for 3 s"), text);
      assertTrue(text.contains("host1 recovered"), text);
      assertTrue(
          text.indexOf("host1 lost") < text.indexOf("host0 finished"),
          "host0 went on meanwhile: " + text);
      assertTrue(text.contains("total"), text);
      assertEquals(HostState.FINISHED, done.host("host0").state());
      assertEquals(HostState.FINISHED, done.host("host1").state());
      assertEquals(
          HostState.FINISHED,
          RunRecord.read(results, "monitor").host("host1").state(),
          "run.json follows the states");
    }
  }

  @Test
  void aHostWhoseFirstStudentStartedLateIsSaidOnceTheOtherNot() throws Exception {
    List<HostRun> hosts = hosts("late");
    try (Fleet fleet = connect(hosts)) {
      RunRecord run = record("late", hosts);
      long t0 = run.t0();
      long[] starts = {t0 + 120, t0 + 2600}; // host0 on time, host1 2.6 s late
      for (int i = 0; i < 2; i++) {
        HostRun h = run.hosts().get(i);
        long pgid =
            Injector.start(
                fleet.get(h.name()).orElseThrow(),
                h,
                "x.Sim",
                Map.of("seconds", "4", "injectionStart", String.valueOf(starts[i])));
        run = run.withHost(h.name(), x -> x.withStart(pgid));
      }
      run.write(results);
      StringWriter view = new StringWriter();
      watch(run, fleet, Duration.ofSeconds(10), view);
      String text = view.toString();
      String late =
          "host1 started its first students 2.6 s after T0: its Gatling was not ready in time";
      assertTrue(text.contains(late), text);
      assertEquals(text.indexOf(late), text.lastIndexOf(late), "said once: " + text);
      assertTrue(!text.contains("host0 started its first students"), text);
    }
  }

  @Test
  void aServiceHostThatCannotBeReachedIsShownUnreachableAndTheRunGoesOn() throws Exception {
    List<HostRun> hosts = hosts("service");
    int port;
    try (java.net.ServerSocket closed =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    } // nothing listens there now: every connection is refused
    try (Fleet fleet = connect(hosts)) {
      dev.loadfleet.config.HostSpec spec = HOSTS.get(0).spec();
      dev.loadfleet.config.HostSpec gone =
          new dev.loadfleet.config.HostSpec(
              "svc",
              "127.0.0.1",
              port,
              spec.user(),
              spec.keyFile(),
              java.util.Optional.empty(),
              spec.baseDir(),
              1,
              0,
              spec.nicBitsPerSecond(),
              java.util.Optional.empty());
      RunRecord run = startAll(fleet, record("service", hosts), "4");
      run.write(results);
      StringWriter view = new StringWriter();
      dev.loadfleet.live.LiveBoard board = new dev.loadfleet.live.LiveBoard("service", run.t0());
      RunRecord done =
          new Monitor(
                  run,
                  fleet,
                  results,
                  Duration.ofSeconds(1),
                  Duration.ofSeconds(10),
                  Duration.ofSeconds(10),
                  new Monitor.Watchers(
                      board,
                      dev.loadfleet.live.TerminalView.plain(new PrintWriter(view)),
                      new CriteriaWatch(List.of()),
                      new Interruption(),
                      java.util.Optional.of(
                          new ServiceWatch(
                              new dev.loadfleet.config.ServiceHost(
                                  gone, java.util.Optional.empty()),
                              SshOptions.of(HOSTS.knownHosts(), false),
                              results.resolve("svc"),
                              Duration.ofMillis(500),
                              Duration.ofSeconds(10)))))
              .watch(new AtomicBoolean());
      String text = view.toString();
      assertEquals(HostState.FINISHED, done.host("host0").state(), text);
      assertEquals(HostState.FINISHED, done.host("host1").state(), text);
      assertTrue(
          text.contains("cannot reach the service host svc (")
              && text.contains("): its CPU, NIC and memory are not sampled; the run goes on"),
          text);
      dev.loadfleet.live.Frame last = board.latest();
      dev.loadfleet.live.Frame.HostFigures svc = last.hosts().get(2);
      assertEquals("svc", svc.name());
      assertEquals("service", svc.role());
      assertEquals("unreachable", svc.state());
      assertTrue(svc.lost() && svc.health() == null, svc.toString());
      assertTrue(
          text.lines().anyMatch(l -> l.trim().startsWith("svc ") && l.contains("unreachable")),
          "its row in the view: " + text);
    }
  }

  @Test
  void theSameExitCodeIsNoChangeWhateverItsNumber() {
    // 200: outside the -128..127 that Integer.valueOf caches, where identity and value part
    HostRun running = StandInGatling.planned(HOSTS.get(0), Path.of("/b"), "r", 1).withStart(1);
    HostRun failed = running.withExit(HostState.FAILED, 200, "Gatling exited 200");
    assertFalse(
        Monitor.changed(failed, running.withExit(HostState.FAILED, 200, "Gatling exited 200")));
    assertTrue(Monitor.changed(failed, running.withExit(HostState.FAILED, 201, "")));
    assertTrue(Monitor.changed(failed, running.withExit(HostState.FINISHED, 200, "")));
    assertTrue(Monitor.changed(running, failed));
  }

  @Test
  void aHostWhoseInjectorStatusIsGarbageFailsAloneAndTheWatchGoesOn() throws Exception {
    List<HostRun> hosts = hosts("garbage");
    try (Fleet fleet = connect(hosts)) {
      RunRecord run = startAll(fleet, record("garbage", hosts), "4");
      // host1's exit file holds no number: `injector status` prints "exited garbage"
      Files.writeString(Path.of(hosts.get(1).paths().runDir(), "exit"), "garbage\n");
      run.write(results);
      StringWriter view = new StringWriter();
      RunRecord done = watch(run, fleet, Duration.ofSeconds(10), view);
      assertEquals(HostState.FINISHED, done.host("host0").state(), view.toString());
      assertEquals(HostState.FAILED, done.host("host1").state(), view.toString());
      assertTrue(
          done.host("host1").message().contains("exited garbage"), done.host("host1").message());
    }
  }
}
