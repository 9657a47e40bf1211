package dev.loadfleet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.remote.Fleet;
import dev.loadfleet.remote.SshHosts;
import dev.loadfleet.remote.SshOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class DeployerTest {
  @RegisterExtension static final SshHosts HOSTS = SshHosts.of(2);

  @TempDir Path tmp;

  @Test
  void firstDeployUploadsThenTheSameHashIsSkippedAndPruneKeepsOnlyTheCurrent() throws Exception {
    Bundle first = bundle("one");
    try (Fleet fleet = fleet()) {
      StringWriter out = new StringWriter();
      Map<String, Deployer.HostDeploy> r =
          Deployer.deploy(fleet, first, false, new PrintWriter(out));
      assertEquals(Deployer.Outcome.UPLOADED, r.get("host0").outcome(), r.toString());
      assertEquals(Deployer.Outcome.UPLOADED, r.get("host1").outcome(), r.toString());
      for (SshHosts.Host h : HOSTS.all()) {
        Path dir = h.baseDir().resolve("bundles").resolve(first.sha256());
        assertTrue(Files.isExecutable(dir.resolve("bin/injector")), dir.toString());
        assertTrue(
            entries(h.baseDir().resolve("bundles")).stream().noneMatch(n -> n.startsWith(".")),
            "no temporary names left");
      }

      r =
          Deployer.deploy(
              fleet,
              first,
              false,
              (host, sent, total) -> {
                throw new IOException("a second upload of the same hash must not happen");
              });
      assertEquals(Deployer.Outcome.PRESENT, r.get("host0").outcome(), r.toString());
      assertEquals(Deployer.Outcome.PRESENT, r.get("host1").outcome(), r.toString());

      Bundle second = bundle("two");
      r = Deployer.deploy(fleet, second, true, (host, sent, total) -> {});
      assertEquals(Deployer.Outcome.UPLOADED, r.get("host0").outcome(), r.toString());
      assertEquals(
          List.of(second.sha256()),
          entries(HOSTS.get(0).baseDir().resolve("bundles")),
          "old bundle pruned");
    }
  }

  @Test
  void anInterruptedUploadIsNeverUsedAndTheNextDeployCompletes() throws Exception {
    Bundle bundle = bundle("interrupted");
    try (Fleet fleet = fleet()) {
      Map<String, Deployer.HostDeploy> r =
          Deployer.deploy(
              fleet,
              bundle,
              false,
              (host, sent, total) -> {
                if (sent > total / 3) {
                  throw new IOException("link cut");
                }
              });
      assertEquals(Deployer.Outcome.FAILED, r.get("host0").outcome());
      assertTrue(r.get("host0").message().contains("link cut"), r.get("host0").message());
      Path bundles = HOSTS.get(0).baseDir().resolve("bundles");
      assertFalse(
          Files.exists(bundles.resolve(bundle.sha256())), "no bundle dir from a partial upload");

      r = Deployer.deploy(fleet, bundle, false, (host, sent, total) -> {});
      assertEquals(Deployer.Outcome.UPLOADED, r.get("host0").outcome(), r.toString());
      assertTrue(Files.isExecutable(bundles.resolve(bundle.sha256()).resolve("bin/injector")));
    }
  }

  @Test
  void aCorruptUploadIsRefusedBySha256() throws Exception {
    Bundle real = bundle("corrupt");
    Bundle lying = new Bundle(real.archive(), "0".repeat(64), real.bytes());
    try (Fleet fleet = fleet()) {
      Map<String, Deployer.HostDeploy> r =
          Deployer.deploy(fleet, lying, false, (host, sent, total) -> {});
      assertEquals(Deployer.Outcome.FAILED, r.get("host1").outcome());
      assertTrue(r.get("host1").message().contains("sha256 mismatch"), r.get("host1").message());
      assertFalse(Files.exists(HOSTS.get(1).baseDir().resolve("bundles").resolve(lying.sha256())));
    }
  }

  private Fleet fleet() {
    return Fleet.connect(
        HOSTS.all().stream().map(SshHosts.Host::spec).toList(),
        SshOptions.of(HOSTS.knownHosts(), false));
  }

  /** A small but real bundle: bin/injector plus a few MB of payload, packed by tar. */
  private Bundle bundle(String label) throws Exception {
    Path tree = Files.createDirectories(tmp.resolve(label).resolve("tree"));
    Files.createDirectories(tree.resolve("bin"));
    Files.writeString(tree.resolve("bin/injector"), "#!/bin/sh\necho " + label + "\n");
    tree.resolve("bin/injector").toFile().setExecutable(true);
    byte[] payload = new byte[4_000_000];
    new Random(label.hashCode()).nextBytes(payload);
    Files.createDirectories(tree.resolve("lib"));
    Files.write(tree.resolve("lib/payload.bin"), payload);
    Path archive = tmp.resolve(label).resolve("bundle.tar.gz");
    Process tar =
        new ProcessBuilder("tar", "-czf", archive.toString(), "-C", tree.toString(), ".")
            .inheritIO()
            .start();
    assertEquals(0, tar.waitFor());
    return Bundle.of(archive);
  }

  private static List<String> entries(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
