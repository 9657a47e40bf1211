package dev.loadfleet.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole chain on this machine: the sampler's command run by a real shell every second while
 * this JVM sends a bounded stream over loopback, the samples checked for saturation against a
 * declared 100 Mbit/s NIC (loopback stands in for the NIC: the rule allows no other traffic).
 */
class LiveSamplingTest {
  private static final long NIC_100_MBIT = 100_000_000L;

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aLinkDrivenAboveItsDeclaredSpeedIsFlaggedAsNicSaturated() throws Exception {
    ProcSampler sampler =
        new ProcSampler(OptionalInt.of((int) ProcessHandle.current().pid()), Optional.of("lo"));
    List<HealthSample> samples = new ArrayList<>();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread sink = drain(server);
      // About 30 MB/s for 5 s: 2.4x the 12.5 MB/s a 100 Mbit/s NIC carries, and light on 2 cores.
      Thread sender = send(server.getLocalPort(), 5_500);
      sampler.accept(Fixtures.shell(sampler.command()), System.currentTimeMillis());
      for (int i = 0; i < 4; i++) {
        Thread.sleep(1_000);
        sampler
            .accept(Fixtures.shell(sampler.command()), System.currentTimeMillis())
            .ifPresent(samples::add);
      }
      sender.join();
      sink.join();
    }

    Saturation.Settings everySecond = new Saturation.Settings(80, 90, 3, 2_000, 3_000);
    List<SaturationFlag> flags =
        Saturation.detect(samples, NIC_100_MBIT, 0, Long.MAX_VALUE, everySecond);

    assertEquals(4, samples.size());
    List<SaturationFlag> nic =
        flags.stream().filter(f -> f.kind() == SaturationFlag.Kind.NIC).toList();
    assertEquals(1, nic.size(), "samples: " + samples);
    assertTrue(nic.get(0).meanPct() > 150, "about 240 % of 100 Mbit/s: " + nic.get(0));
    assertTrue(samples.get(0).openFds() > 3, "this JVM's descriptors: " + samples.get(0));
  }

  private static Thread drain(ServerSocket server) {
    Thread t =
        new Thread(
            () -> {
              try (Socket s = server.accept();
                  InputStream in = s.getInputStream()) {
                in.transferTo(OutputStream.nullOutputStream());
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    t.start();
    return t;
  }

  private static Thread send(int port, long millis) {
    Thread t =
        new Thread(
            () -> {
              byte[] chunk = new byte[300_000];
              long end = System.currentTimeMillis() + millis;
              try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
                  OutputStream out = s.getOutputStream()) {
                while (System.currentTimeMillis() < end) {
                  out.write(chunk);
                  Thread.sleep(10);
                }
              } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    t.start();
    return t;
  }
}
