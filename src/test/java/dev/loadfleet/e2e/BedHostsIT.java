package dev.loadfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test bed itself: what the scenarios rely on about its hosts holds. (Not named Test*IT:
 * surefire's default includes take Test*.java, and the bed must not come up before the bundle.)
 */
@ExtendWith(TestBed.Extension.class)
class BedHostsIT {

  @Test
  void eachHostIsItsOwnMachineReachedWithStrictHostKeys(TestBed bed) {
    for (String host : TestBed.INJECTORS) {
      TestBed.Result r =
          bed.ssh(host, "id -un; hostname -I; echo $HOME; java -version 2>&1 | head -1");
      assertEquals(0, r.code(), host + ": " + r.output());
      assertTrue(
          r.output().startsWith(bed.user(host) + "\n" + bed.address(host)),
          host + ": " + r.output());
      assertTrue(r.output().contains("/home/" + bed.user(host)), r.output());
      assertTrue(
          r.output().matches("(?s).*version \"(1[7-9]|[2-9][0-9])[.\"].*"),
          host + " has no Java 17+: " + r.output());
    }
  }

  @Test
  void theInjectorsDifferAsAStrangersFleetWould(TestBed bed) {
    // lf-inj1: sshd on 2222 only.
    assertEquals(2222, bed.port("lf-inj1"));
    assertTrue(bed.listens("lf-inj1", 2222), "lf-inj1's sshd does not listen on 2222");
    assertFalse(bed.listens("lf-inj1", 22), "lf-inj1 still answers on port 22");
    // lf-inj2: no SFTP subsystem; the others serve it.
    assertFalse(bed.hasSftp("lf-inj2"));
    for (String host : TestBed.INJECTORS) {
      TestBed.Result sftp = bed.sftp(host);
      assertEquals(bed.hasSftp(host), sftp.code() == 0, host + ": sftp said " + sftp.output());
    }
    // lf-inj3: zsh, whose ~/.zshenv talks on both streams (ssh.sh cuts what comes before the
    // command, as the launcher does; a zsh started inside the command shows it).
    TestBed.Result zsh = bed.ssh("lf-inj3", "echo \"$SHELL\"; zsh -c 'echo inner'");
    assertEquals(0, zsh.code(), zsh.output());
    assertTrue(zsh.output().contains("/usr/bin/zsh\n"), zsh.output());
    assertTrue(zsh.output().contains("Welcome to lf-inj3"), zsh.output());
    assertTrue(zsh.output().contains("a notice from ~/.zshenv on stderr"), zsh.output());
    assertEquals("plain\n", bed.ssh("lf-inj3", "echo plain").output());
    assertEquals("/bin/bash\n", bed.ssh("lf-inj2", "echo \"$SHELL\"").output());
  }

  @Test
  void theTargetHostLetsItsUserCountTheRecordingsTheServiceStored(TestBed bed) {
    bed.restartTarget();
    TestBed.Result login = bed.ssh(TestBed.TARGET, "id -un; hostname -I");
    assertEquals(0, login.code(), login.output());
    assertTrue(
        login.output().startsWith(bed.user(TestBed.TARGET) + "\n" + bed.address(TestBed.TARGET)),
        login.output());
    String upload =
        "printf hello > /tmp/chunk && curl -sf -o /dev/null --max-time 10"
            + " -F studentId=test_1 -F examId=30 -F seq=0 -F size=5"
            + " -F sha256=2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
            + " -F 'file=@/tmp/chunk;filename=0.webm' "
            + bed.targetUrl()
            + "/upload";
    TestBed.Result sent = bed.ssh("lf-inj1", upload);
    assertEquals(0, sent.code(), sent.output());
    TestBed.Result count =
        bed.ssh(TestBed.TARGET, "find " + bed.targetData() + "/30/recordings -type f | wc -l");
    assertEquals(0, count.code(), count.output());
    assertEquals("1", count.output().trim(), "the service's own count, read over SSH");
    assertEquals(1, bed.targetStats().path("uploadsStored").asInt());
    bed.restartTarget();
  }

  @Test
  void hostsShareNoFilesAndReachOnlyTheTestBedSubnet(TestBed bed) {
    TestBed.Result write =
        bed.ssh("lf-inj1", "echo mine > /tmp/only-on-inj1 && ls /tmp/only-on-inj1");
    assertEquals(0, write.code(), write.output());
    TestBed.Result other =
        bed.ssh(
            "lf-inj2",
            "test ! -e /tmp/only-on-inj1 && ! ls /home/lfinj1 >/dev/null 2>&1 && ip -4 route");
    assertEquals(0, other.code(), "lf-inj2 sees lf-inj1's files: " + other.output());
    assertEquals(
        "10.203.7.0/24 dev eth0 proto kernel scope link src 10.203.7.12",
        other.output().trim(),
        "a host must route nowhere but the test-bed subnet");
    assertEquals(
        0,
        bed.ssh("lf-inj2", "curl -sf -o /dev/null --max-time 5 " + bed.targetUrl() + "/stats")
            .code(),
        "an injector host must reach the target service");
  }

  @Test
  void theSkewedHostsSessionsSeeItsClockInShellAndJava(TestBed bed) throws Exception {
    // The shell: date(1) through libfaketime.
    long before = System.currentTimeMillis();
    TestBed.Result date = bed.ssh(TestBed.SKEWED_HOST, "date +%s%3N");
    long after = System.currentTimeMillis();
    long remote = Long.parseLong(date.output().trim());
    assertTrue(
        remote >= before + TestBed.SKEW_MS - 20 && remote <= after + TestBed.SKEW_MS + 20,
        "date on " + TestBed.SKEWED_HOST + " = " + remote + ", local " + before + ".." + after);
    long plain = Long.parseLong(bed.ssh("lf-inj1", "date +%s%3N").output().trim());
    assertTrue(Math.abs(plain - System.currentTimeMillis()) < 2_000, "lf-inj1 must not be skewed");

    // Java: System.currentTimeMillis sampled on request, so the local window is one round trip.
    String program =
        "class Clock { public static void main(String[] a) throws Exception {"
            + " System.out.println(\"ready\"); System.out.flush(); System.in.read();"
            + " System.out.println(System.currentTimeMillis()); } }";
    assertEquals(
        0, bed.ssh(TestBed.SKEWED_HOST, "printf '%s' '" + program + "' > Clock.java").code());
    Process p =
        new ProcessBuilder(
                bed.repo().resolve("deploy/testbed/ssh.sh").toString(),
                TestBed.SKEWED_HOST,
                "java Clock.java")
            .redirectErrorStream(true)
            .start();
    try (BufferedReader in =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Writer out = p.outputWriter()) {
      assertEquals("ready", in.readLine());
      long t0 = System.currentTimeMillis();
      out.write("\n");
      out.flush();
      long java = Long.parseLong(in.readLine().trim());
      long t1 = System.currentTimeMillis();
      assertTrue(
          java >= t0 + TestBed.SKEW_MS - 20 && java <= t1 + TestBed.SKEW_MS + 20,
          "Java on " + TestBed.SKEWED_HOST + " read " + java + ", local " + t0 + ".." + t1);
    } finally {
      p.waitFor(10, TimeUnit.SECONDS);
      p.destroyForcibly();
    }
  }

  @Test
  void aCutLinkMakesTheHostUnreachableUntilRestored(TestBed bed) {
    bed.link("lf-inj3", false);
    try {
      assertNotEquals(0, bed.ssh("lf-inj3", "true").code(), "lf-inj3 answered with its link cut");
    } finally {
      bed.link("lf-inj3", true);
    }
    assertEquals(
        0, bed.ssh("lf-inj3", "true").code(), "lf-inj3 unreachable after its link was restored");
  }

  @Test
  void aRotatedHostKeyIsRefusedUntilRestored(TestBed bed) throws IOException {
    bed.rekey("lf-inj2", "rotate");
    try {
      TestBed.Result r = bed.ssh("lf-inj2", "true");
      assertNotEquals(0, r.code());
      assertTrue(r.output().contains("REMOTE HOST IDENTIFICATION HAS CHANGED"), r.output());
    } finally {
      bed.rekey("lf-inj2", "restore");
    }
    assertEquals(0, bed.ssh("lf-inj2", "true").code());
  }

  /**
   * A veth whose peer sits in a namespace vanishes on its own, some time after that namespace is
   * deleted; teardown must take "already gone" as done, never as a failure, however the race falls.
   */
  @Test
  void removingALinkTheKernelIsRemovingAtTheSameMomentSucceeds(TestBed bed) {
    String script =
        "source deploy/testbed/lib.sh\ntrap - ERR\n"
            + "trap 'ip netns del lf-linkrace 2>/dev/null || true; ip link del lfv-linkrace 2>/dev/null || true' EXIT\n"
            + "for i in $(seq 40); do\n"
            + "  ip netns add lf-linkrace\n"
            + "  ip link add lfv-linkrace type veth peer name eth0 netns lf-linkrace\n"
            + "  ip netns del lf-linkrace\n"
            + "  remove_link lfv-linkrace || { echo \"failed in round $i\"; exit 1; }\n"
            + "  if ip link show dev lfv-linkrace >/dev/null 2>&1; then echo \"left in round $i\"; exit 1; fi\n"
            + "done\n"
            + "remove_link lfv-linkrace\n"
            + "echo removed 40 times\n";
    TestBed.Result r =
        TestBed.run(
            Duration.ofSeconds(60),
            "bash",
            "-c",
            "set -euo pipefail\ncd \"$1\"\n" + script,
            "bash",
            bed.repo().toString());
    assertEquals(0, r.code(), r.output());
    assertTrue(r.output().contains("removed 40 times"), r.output());
  }
}
