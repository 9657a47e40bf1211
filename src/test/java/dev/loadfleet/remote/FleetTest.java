package dev.loadfleet.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FleetTest {
  @RegisterExtension static final SshHosts HOSTS = SshHosts.of(3);

  @Test
  void anInterruptWhileWaitingStillGivesEveryHostsOutcomeAndStaysSetForTheCaller()
      throws Exception {
    List<dev.loadfleet.config.HostSpec> specs =
        HOSTS.all().stream().map(SshHosts.Host::spec).toList();
    try (Fleet fleet = Fleet.connect(specs, SshOptions.of(HOSTS.knownHosts(), false))) {
      Thread caller = Thread.currentThread();
      Thread operator =
          new Thread(
              () -> {
                try {
                  Thread.sleep(300); // Ctrl+C while every host is still starting
                } catch (InterruptedException e) {
                  return;
                }
                caller.interrupt();
              });
      operator.start();
      Map<String, Fleet.Result<String>> started =
          fleet.eachHost(
              h -> {
                Thread.sleep(1000); // the work goes on: the hosts are not told to stop
                return h.name() + " started";
              });
      boolean interrupted = Thread.interrupted();
      operator.join();
      assertTrue(interrupted, "the interrupt is re-asserted for the caller");
      for (SshHosts.Host h : HOSTS.all()) {
        Fleet.Result<String> r = started.get(h.name());
        assertTrue(r.ok(), h.name() + ": " + r.message());
        assertEquals(h.name() + " started", r.value());
      }
    }
  }
}
