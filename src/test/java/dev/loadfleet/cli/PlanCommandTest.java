package dev.loadfleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loadfleet plan} before there are hosts: arithmetic only, no inventory, no key. */
class PlanCommandTest {
  @TempDir Path tmp;

  @Test
  void howManyInjectorsFor500StudentsNeedsNoInventory() {
    Outcome o = Outcome.run("plan", "--users", "500", "--profile", "full", "--nic", "1Gbps");
    assertEquals(ExitCode.OK.code(), o.code(), o.err());
    assertTrue(o.out().contains("Workload: 500 users, each uploading 17.5 MB every 30 s"), o.out());
    assertTrue(o.out().contains("needed: 3 (the larger, set by bandwidth)"), o.out());
  }

  @Test
  void anyWorkloadKnobIsAFlagAndHostsGivesTheShares() {
    Outcome o =
        Outcome.run(
            "plan",
            "--users",
            "500",
            "--profile",
            "full",
            "--recordingSize",
            "10MB",
            "--nic",
            "10Gbps",
            "--hosts",
            "4");
    assertEquals(ExitCode.OK.code(), o.code(), o.err());
    assertTrue(o.out().contains("each uploading 10 MB every 30 s"), o.out());
    assertTrue(o.out().matches("(?s).*injector-4\\s+1\\.00\\s+125 .*375\\.\\.499.*"), o.out());
    assertTrue(o.out().contains("The inventory carries the load."), o.out());

    Outcome slow = Outcome.run("plan", "--users", "500", "--profile", "full", "--hosts", "2");
    assertEquals(ExitCode.OK.code(), slow.code(), slow.err());
    assertTrue(
        slow.out().contains("Warnings: the inventory cannot carry the load")
            && slow.out().contains("host injector-1: 250 users"),
        slow.out());
  }

  @Test
  void badFlagsAreOneSentenceEach() {
    Outcome knob = Outcome.run("plan", "--recordingSize", "lots");
    assertEquals(ExitCode.ERROR.code(), knob.code());
    assertTrue(knob.err().contains("'recordingSize' = 'lots'"), knob.err());
    Outcome nic = Outcome.run("plan", "--nic", "fast");
    assertEquals(ExitCode.USAGE.code(), nic.code());
    assertTrue(nic.err().contains("--nic: 'fast' is not a link speed"), nic.err());
    Outcome hosts = Outcome.run("plan", "--hosts", "0");
    assertEquals(ExitCode.USAGE.code(), hosts.code());
    assertTrue(hosts.err().contains("--hosts '0' is not a number of injectors"), hosts.err());
  }

  @Test
  void withAnInventoryKnobsBelongInIt() throws Exception {
    Path key = Files.writeString(tmp.resolve("key"), "k");
    Path inv =
        Files.writeString(
            tmp.resolve("c.yaml"),
            "users: 10\nrampRate: 1\nhosts:\n  - address: 10.0.0.1\n    keyFile: " + key + "\n");
    Outcome o = Outcome.run("plan", "-i", inv.toString(), "--users", "20");
    assertEquals(ExitCode.USAGE.code(), o.code());
    assertTrue(o.err().contains("--users plan without an inventory"), o.err());
    Outcome ok = Outcome.run("plan", "-i", inv.toString());
    assertEquals(ExitCode.OK.code(), ok.code(), ok.err());
    assertFalse(ok.out().isEmpty());
  }
}
