package dev.loadfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadfleet.cli.ExitCode;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 6 on real links: lf-inj2's link is shaped with tc to 16 Mbit/s and declared as a 16 Mbps
 * NIC in the inventory; its students offer twice that, so its NIC runs at the limit for the whole
 * steady phase. The launcher must flag it as NIC-saturated (in summary.json, on hosts.html with its
 * chart, and with exit code 5), and must not flag lf-inj1, whose 1 Gbps link carries its share with
 * room to spare.
 */
@ExtendWith(TestBed.Extension.class)
class NicSaturationIT {
  private static final String SLOW = "lf-inj2";
  private static final String FAST = "lf-inj1";

  private final TestBed bed;

  NicSaturationIT(TestBed bed) {
    this.bed = bed;
  }

  @AfterEach
  void unshape() {
    shape("clear");
    bed.killLeftovers();
  }

  @Test
  void aHostShapedBelowItsOfferedLoadIsFlaggedNicSaturated() throws Exception {
    bed.restartTarget();
    shape("rate", "16mbit");
    // 4 students per host, each 1 MB every second: 32 Mbit/s offered per host. The shaped link
    // (16 Mbit/s) stays full for the whole run; the unshaped one carries it at 3 % of 1 Gbps.
    StringBuilder y = new StringBuilder();
    y.append("users: 8\nrampRate: 8\nduration: 35s\n");
    y.append("target: ").append(bed.targetUrl()).append('\n');
    y.append("knownHosts: ").append(bed.knownHosts()).append('\n');
    y.append("workload:\n  recordingSize: 1MB\n  uploadInterval: 1s\n  heartbeatInterval: 2s\n");
    y.append("  requestTimeout: 30s\n  sloMeanMs: 60000\n  sloP95Ms: 60000\n");
    y.append("defaults:\n  keyFile: ").append(bed.key()).append("\n  baseDir: loadfleet\n");
    y.append("hosts:\n");
    for (String host : new String[] {FAST, SLOW}) {
      y.append(bed.hostEntry(host))
          .append("    weight: 1\n")
          .append("    nic: ")
          .append(host.equals(SLOW) ? "16Mbps" : "1Gbps")
          .append('\n');
    }
    FleetRun run = FleetRun.withInventory(bed, "nic-saturation", y.toString());

    LauncherProcess launcher = run.start("run");
    int code = launcher.waitFor(Duration.ofMinutes(4));
    String out = launcher.output();

    assertEquals(ExitCode.INJECTORS_SATURATED.code(), code, out);
    JsonNode slow = summaryHost(run, SLOW);
    assertTrue(hasFlag(slow, "NIC"), SLOW + " has no NIC saturation flag: " + slow);
    assertTrue(
        slow.path("health").path("nicPctPeak").asDouble() >= 90,
        SLOW + " NIC peak below the 90 % threshold: " + slow.path("health"));
    JsonNode fast = summaryHost(run, FAST);
    assertTrue(!hasFlag(fast, "NIC"), FAST + " flagged NIC-saturated on a 1 Gbps link: " + fast);
    assertTrue(out.contains("health: " + SLOW + " was saturated"), out);

    String page = Files.readString(run.report().resolve("hosts.html"));
    assertTrue(page.contains("<h2>" + SLOW + "</h2>"), "no section for " + SLOW);
    assertTrue(page.contains("id=\"chart-nic\""), "no NIC chart on the hosts page");
    assertTrue(page.contains("\"kind\":\"NIC\""), "no saturated NIC stretch to shade on the page");
    assertTrue(
        Files.isRegularFile(run.runDir().resolve("hosts").resolve(SLOW).resolve("health.jsonl")));
  }

  private void shape(String... args) {
    String[] command = new String[args.length + 2];
    command[0] = bed.repo().resolve("deploy/testbed/shape.sh").toString();
    command[1] = SLOW;
    System.arraycopy(args, 0, command, 2, args.length);
    TestBed.Result r = TestBed.run(Duration.ofSeconds(30), command);
    assertEquals(0, r.code(), r.output());
  }

  private static boolean hasFlag(JsonNode host, String kind) {
    for (JsonNode flag : host.path("saturation")) {
      if (kind.equals(flag.path("kind").asText())) {
        return true;
      }
    }
    return false;
  }

  private static JsonNode summaryHost(FleetRun run, String host) {
    for (JsonNode h : run.summary().path("inputs")) {
      if (host.equals(h.path("name").asText())) {
        return h;
      }
    }
    throw new AssertionError("summary.json has no input " + host);
  }
}
