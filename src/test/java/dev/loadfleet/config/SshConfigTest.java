package dev.loadfleet.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshConfigTest {
  @TempDir Path dir;

  private Path config(String text) throws Exception {
    return Files.writeString(dir.resolve("config"), text);
  }

  private Inventory load(String hosts, Path sshConfig) throws Exception {
    Path f = Files.writeString(dir.resolve("c.yaml"), "users: 4\nrampRate: 1\nhosts:\n" + hosts);
    return InventoryLoader.load(f, SshConfig.of(sshConfig));
  }

  @Test
  void anAliasTakesHostNameUserPortIdentityFileAndProxyJumpFromTheConfig() throws Exception {
    Path key = Files.writeString(dir.resolve("lab_key"), "k");
    Path cfg =
        config(
            String.join(
                "\n",
                "Host lab1",
                "  HostName 10.0.0.11",
                "  User student",
                "  Port 2222",
                "  IdentityFile " + dir.resolve("missing_key"),
                "  IdentityFile " + key,
                "  ProxyJump bastion",
                "",
                "Host bastion",
                "  HostName 192.0.2.1",
                "  User jumper",
                "  Port 2200",
                "",
                "Host *",
                "  User everyone",
                ""));
    HostSpec h = load("  - address: lab1\n", cfg).hosts().get(0);
    assertEquals("lab1", h.name(), "named by its alias");
    assertEquals("10.0.0.11", h.address());
    assertEquals(2222, h.port());
    assertEquals("student", h.user(), "the first value wins, as in ssh");
    assertEquals(Optional.of(key), h.keyFile(), "the first IdentityFile that exists");
    assertEquals(new JumpHost("jumper", "192.0.2.1", 2200), h.jump().orElseThrow());
  }

  @Test
  void theInventorysOwnValuesWinOverTheConfig() throws Exception {
    Path key = Files.writeString(dir.resolve("inventory_key"), "k");
    Path cfg =
        config(
            "Host lab1\n  HostName 10.0.0.11\n  User student\n  Port 2222\n  ProxyJump bastion\n");
    HostSpec h =
        load(
                "  - address: lab1\n    user: admin\n    port: 22\n    keyFile: "
                    + key
                    + "\n    jump: ops@192.0.2.9:2022\n",
                cfg)
            .hosts()
            .get(0);
    assertEquals("10.0.0.11", h.address(), "the alias still names the machine");
    assertEquals("admin", h.user());
    assertEquals(22, h.port());
    assertEquals(Optional.of(key), h.keyFile());
    assertEquals(new JumpHost("ops", "192.0.2.9", 2022), h.jump().orElseThrow());
  }

  @Test
  void withoutAMatchingBlockTheAddressIsUsedAsWrittenAndNoKeyIsNeededToLoad() throws Exception {
    Path cfg = config("Host other\n  HostName 10.9.9.9\n");
    HostSpec h = load("  - address: 10.0.0.5\n", cfg).hosts().get(0);
    assertEquals("10.0.0.5", h.address());
    assertEquals(22, h.port());
    assertEquals(System.getProperty("user.name"), h.user());
    assertEquals(Optional.empty(), h.keyFile(), "agent or default keys, decided when connecting");
  }

  @Test
  void includedFilesAreReadAndMatchBlocksLeftOut() throws Exception {
    Path more = Files.writeString(dir.resolve("more.conf"), "Host lab2\n  HostName 10.0.0.12\n");
    Path cfg =
        config(
            "Include "
                + more
                + "\nMatch host lab2 exec \"true\"\n  User nobody\nHost lab3\n  Port 2200\n");
    Inventory inv = load("  - address: lab2\n  - address: lab3\n", cfg);
    assertEquals("10.0.0.12", inv.hosts().get(0).address());
    assertEquals(System.getProperty("user.name"), inv.hosts().get(0).user(), "Match not applied");
    assertEquals(2200, inv.hosts().get(1).port());
  }

  @Test
  void aHostileHostNameInTheConfigIsRefusedLikeTheInventorysOwn() throws Exception {
    Path cfg = config("Host lab1\n  HostName 10.0.0.1;reboot\n");
    InventoryException e =
        assertThrows(InventoryException.class, () -> load("  - address: lab1\n", cfg));
    assertTrue(e.getMessage().contains("host lab1 address"), e.getMessage());
    assertTrue(e.getMessage().contains(cfg.toString()), "names the config: " + e.getMessage());
  }
}
