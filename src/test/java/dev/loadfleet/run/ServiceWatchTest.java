package dev.loadfleet.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.config.HostSpec;
import dev.loadfleet.config.ServiceHost;
import dev.loadfleet.health.HealthLog;
import dev.loadfleet.live.Frame;
import dev.loadfleet.live.HostInput;
import dev.loadfleet.live.LiveBoard;
import dev.loadfleet.remote.SshHosts;
import dev.loadfleet.remote.SshOptions;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's own host sampled over real SSH (an in-process sshd running /bin/sh here): its
 * health while it answers, lost (no figures) once silent, unreachable with a sentence when it never
 * answered, and never a failure of the watch.
 */
class ServiceWatchTest {
  @RegisterExtension static final SshHosts HOSTS = SshHosts.of(1);

  @TempDir Path results;

  private static SshOptions ssh() {
    return SshOptions.of(HOSTS.knownHosts(), false);
  }

  @Test
  void anAnsweringHostIsSampledThenShownLostWithoutItsLastFiguresOnceSilent() throws Exception {
    ServiceWatch watch =
        new ServiceWatch(
            new ServiceHost(HOSTS.get(0).spec(), Optional.empty()),
            ssh(),
            results.resolve("service"),
            Duration.ofMillis(300),
            Duration.ofSeconds(2));
    try {
      watch.sampleOnce(); // primes the counters
      Thread.sleep(300);
      watch.sampleOnce();
      HostInput up = watch.input(System.nanoTime());
      assertEquals(HostInput.Role.SERVICE, up.role());
      assertEquals("up", up.state());
      assertFalse(up.lost());
      assertTrue(up.health().isPresent(), "a sample after the priming one: " + up);
      assertTrue(up.health().get().cpus() > 0, up.toString());
      assertTrue(up.healthNote().startsWith("service host: cpu "), up.healthNote());
      assertEquals(
          1,
          HealthLog.read(HealthLog.in(results.resolve("service"))).size(),
          "the sample is kept on disk beside the run");

      // Its live figures: beside the injectors, with its health and no students.
      LiveBoard board = new LiveBoard("r", System.currentTimeMillis());
      Frame f = board.next(System.currentTimeMillis(), List.of(up));
      Frame.HostFigures row = f.hosts().get(0);
      assertEquals("service", row.role());
      assertTrue(row.health() != null && row.health().cpuPct() >= 0, row.toString());

      HOSTS.get(0).stop();
      watch.sampleOnce(); // fails: the host is gone
      HostInput stillUp = watch.input(System.nanoTime());
      assertEquals("up", stillUp.state(), "silent for less than the lost delay");
      HostInput lost = watch.input(System.nanoTime() + Duration.ofSeconds(3).toNanos());
      assertEquals("lost", lost.state());
      assertTrue(lost.lost());
      assertTrue(lost.health().isEmpty(), "no frozen figures: " + lost);
      assertEquals("", lost.healthNote());
      assertTrue(
          lost.message().startsWith("the service host host0 gave no health sample for 2 s ("),
          lost.message());
      assertTrue(lost.message().endsWith("; the run goes on"), lost.message());
      Frame.HostFigures lostRow =
          board.next(System.currentTimeMillis(), List.of(lost)).hosts().get(0);
      assertTrue(lostRow.lost() && lostRow.health() == null, lostRow.toString());

      HOSTS.get(0).restart();
      watch.sampleOnce();
      HostInput back = watch.input(System.nanoTime());
      assertEquals("up", back.state(), "answering again: " + back.message());
    } finally {
      watch.close();
    }
  }

  @Test
  void aHostThatNeverAnswersIsUnreachableWithASentenceAndDoesNotHoldUpTheWatch() throws Exception {
    // A port that accepts and then says nothing: the SSH handshake waits for its timeout.
    try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      List<Socket> held = new ArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    held.add(silent.accept());
                  }
                } catch (java.io.IOException closed) {
                  // the test is over
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      HostSpec spec = HOSTS.get(0).spec();
      HostSpec mute =
          new HostSpec(
              "svc",
              "127.0.0.1",
              silent.getLocalPort(),
              spec.user(),
              spec.keyFile(),
              Optional.empty(),
              spec.baseDir(),
              1,
              0,
              spec.nicBitsPerSecond(),
              Optional.empty());
      // The connection's own timeout outlasts the watch's 3 s: the watch's bound is what answers.
      SshOptions quick =
          new SshOptions(HOSTS.knownHosts(), false, Duration.ofSeconds(10), ssh().credentials());
      ServiceWatch watch =
          new ServiceWatch(
              new ServiceHost(mute, Optional.empty()),
              quick,
              results.resolve("svc"),
              Duration.ofMillis(200),
              Duration.ofSeconds(3));
      long started = System.nanoTime();
      watch.start();
      HostInput first = watch.input(System.nanoTime());
      assertTrue(
          System.nanoTime() - started < Duration.ofSeconds(1).toNanos(),
          "start and input do not wait for the host");
      assertEquals("connecting", first.state());
      assertFalse(first.lost());
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      HostInput in = first;
      while (System.nanoTime() < deadline && !in.lost()) {
        Thread.sleep(100);
        in = watch.input(System.nanoTime());
      }
      assertEquals("unreachable", in.state(), in.toString());
      assertTrue(in.lost());
      assertTrue(in.health().isEmpty());
      assertTrue(
          in.message().startsWith("cannot reach the service host svc (no answer for 3 s)"),
          in.message());
      assertTrue(
          in.message().endsWith("): its CPU, NIC and memory are not sampled; the run goes on"),
          in.message());
      long closing = System.nanoTime();
      watch.close();
      assertTrue(
          System.nanoTime() - closing < Duration.ofSeconds(3).toNanos(),
          "close does not wait for a connection that hangs");
      assertFalse(Files.exists(HealthLog.in(results.resolve("svc"))), "no sample, no file");
      for (Socket s : held) {
        s.close();
      }
    }
  }
}
