package dev.loadfleet.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.plan.Plan;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Inventories written by a careless user or an attacker: oversize, doubled keys, trailing garbage,
 * numbers past every bound, one host under two spellings. Each is refused (or, where it may be
 * meant, warned about) in one sentence that names the file, the field and what is accepted; no Java
 * text ("For input string", "Index 2 out of bounds", a negative total) reaches the user.
 */
class HostileInventoryTest {
  /** Java's own words, which must never be a user's answer. */
  private static final Pattern JAVA_TEXT =
      Pattern.compile(
          "For input string|out of bounds|Exception|java\\.|\\(-\\d+ in total\\)|Infinity|NaN");

  @TempDir Path dir;

  private Path key() throws Exception {
    return Files.writeString(dir.resolve("key"), "not read until connect");
  }

  private Path yaml(String body) throws Exception {
    return Files.writeString(dir.resolve("c" + System.nanoTime() + ".yaml"), body);
  }

  private Path twoHosts(String top, String hostA, String hostB) throws Exception {
    return yaml(
        "users: 10\nrampRate: 1\n"
            + top
            + "defaults:\n  keyFile: "
            + key()
            + "\nhosts:\n  - address: 10.0.0.1\n"
            + hostA
            + "  - address: 10.0.0.2\n"
            + hostB);
  }

  private InventoryException refused(Path f) {
    InventoryException e = assertThrows(InventoryException.class, () -> InventoryLoader.load(f));
    assertTrue(e.getMessage().startsWith(f.toString() + ": "), "names the file: " + e.getMessage());
    assertFalse(JAVA_TEXT.matcher(e.getMessage()).find(), "Java's text: " + e.getMessage());
    return e;
  }

  @Test
  void anOversizeFileIsRefusedUnparsedNamingItsSize() throws Exception {
    // One long scalar: SnakeYAML spends time growing with the square of its length before its own
    // limit answers (120 s and 1.2 GB at 50 MB); this one is refused before a byte is parsed.
    Path f = dir.resolve("huge.yaml");
    try (OutputStream out = Files.newOutputStream(f)) {
      out.write("users: 10\nrampRate: 1\nsimulation: ".getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = "x".repeat(1 << 16).getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 64; i++) {
        out.write(chunk);
      }
    }
    InventoryException e = refused(f);
    assertTrue(e.getMessage().contains("larger than 256 KiB"), e.getMessage());
  }

  @Test
  void aFifoOrADeviceIsNotAnInventory() throws Exception {
    InventoryException e = refused(Path.of("/dev/zero"));
    assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a top-level key twice | users: 10\\nrampRate: 1\\nusers: 20\\n | 'users' is given twice",
        "a host key twice | HOST address: 10.0.0.2\\n    address: 10.0.0.3\\n | 'address' is given"
            + " twice",
        "a second YAML document | users: 10\\nrampRate: 1\\n---\\nusers: 20\\n | more follows",
        "a JSON key twice | JSON {\"users\": 10, \"users\": 11, \"rampRate\": 1} | 'users' is given"
            + " twice",
        "JSON with trailing garbage | JSON {\"users\": 10, \"rampRate\": 1} {\"x\": 1} | more"
            + " follows",
        "nesting past any inventory | users: 10\\nrampRate: 1\\nworkload: [[[[[[[[[[[[[[[[[[[["
            + "]]]]]]]]]]]]]]]]]]]]\\n | nested deeper",
      })
  void doubledKeysTrailingDocumentsAndDeepNestingAreRefused(
      String label, String body, String expected) throws Exception {
    String text = body.replace("\\n", "\n");
    Path f;
    if (text.startsWith("JSON ")) {
      f = Files.writeString(dir.resolve("c.json"), text.substring(5));
    } else if (text.startsWith("HOST ")) {
      f =
          yaml(
              "users: 10\nrampRate: 1\nhosts:\n  - keyFile: "
                  + key()
                  + "\n    "
                  + text.substring(5));
    } else {
      f = yaml(text);
    }
    InventoryException e = refused(f);
    assertTrue(e.getMessage().contains(expected), label + ": " + e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "maxUsers of 2^31-1 on two hosts | | '    maxUsers: 2147483647\\n' | maxUsers | from 1 to"
            + " 1000000",
        "a weight of 1e300 | | '    weight: 1e300\\n' | weight | at most 1000000",
        "a jump port past a long | | '    jump: bastion:99999999999\\n' | jump | 1-65535",
        "a jump port past 65535 | | '    jump: admin@bastion:70000\\n' | jump | 1-65535",
        "a ramp of 2e301 s | 'RAMP 1e-300' | '' | rampRate | at least 0.001 users/s",
        "users past an int | 'USERS 99999999999' | '' | users | from 1 to 1000000",
        "users as a decimal | 'USERS 1e300' | '' | users | not a whole number",
        "a duration past a week | 'duration: 99999999999h\\n' | '' | duration | at most 7 days",
        "a NIC past any NIC | | '    nic: 99999999999tbps\\n' | nic | at most 10Tbps",
        "a port past an int | | '    port: 99999999999\\n' | port | out of range",
      })
  void everyNumberIsBoundedAndItsRangeSaid(
      String label, String top, String hostB, String field, String range) throws Exception {
    String t = top == null ? "" : top.replace("\\n", "\n");
    String h = hostB == null ? "" : hostB.replace("\\n", "\n");
    String users = "10";
    String ramp = "1";
    if (t.startsWith("RAMP ")) {
      ramp = t.substring(5);
      t = "";
    } else if (t.startsWith("USERS ")) {
      users = t.substring(6);
      t = "";
    }
    Path f =
        yaml(
            "users: "
                + users
                + "\nrampRate: "
                + ramp
                + "\n"
                + t
                + "defaults:\n  keyFile: "
                + key()
                + "\nhosts:\n  - address: 10.0.0.1\n"
                + h
                + "  - address: 10.0.0.2\n"
                + h);
    InventoryException e = refused(f);
    assertTrue(e.getMessage().contains(field), label + ": names the field: " + e.getMessage());
    assertTrue(e.getMessage().contains(range), label + ": says the range: " + e.getMessage());
  }

  @Test
  void controlCharactersInAValueAreShownEscapedNeverSentToTheTerminal() throws Exception {
    // A tab, an escape sequence that would clear the screen, a bell.
    Path f = twoHosts("", "    nic: \"1:Gbp\\t\\e[2J\\as\"\n", "");

    String m = refused(f).getMessage();

    assertTrue(m.chars().noneMatch(c -> c < 0x20 || c == 0x7f), "no control character: " + m);
    assertTrue(m.contains("nic: '1:Gbp\\x09\\x1b[2J\\x07s' is not a link speed"), m);
  }

  @Test
  void largeButValidCapsAndWeightsPlanExactly() throws Exception {
    Path f =
        twoHosts("", "    maxUsers: 1000000\n    weight: 1000000\n", "    maxUsers: 1000000\n");
    Inventory inv = InventoryLoader.load(f);
    assertEquals(10, Plan.of(inv).shares().stream().mapToInt(s -> s.users()).sum());
  }

  @Test
  void oneHostUnderTwoSpellingsIsRefusedOrWarnedAbout() throws Exception {
    // Host names are case-insensitive: certainly one host.
    Path caseOnly =
        yaml(
            "users: 2\nrampRate: 1\ndefaults:\n  keyFile: "
                + key()
                + "\n  user: lt\nhosts:\n  - {name: a, address: inj1.example.org}\n"
                + "  - {name: b, address: INJ1.Example.Org.}\n");
    InventoryException e = refused(caseOnly);
    assertTrue(
        e.getMessage().contains("host b address: duplicate host")
            && e.getMessage().contains("written inj1.example.org"),
        e.getMessage());

    Path ipv6 =
        yaml(
            "users: 2\nrampRate: 1\ndefaults:\n  keyFile: "
                + key()
                + "\n  user: lt\nhosts:\n  - {name: a, address: '0::1'}\n"
                + "  - {name: b, address: '0:0:0:0:0:0:0:1'}\n");
    e = refused(ipv6);
    assertTrue(e.getMessage().contains("duplicate host"), e.getMessage());

    // localhost and 127.0.0.1 are the same machine unless /etc/hosts says otherwise: a warning.
    Path loopback =
        yaml(
            "users: 2\nrampRate: 1\ndefaults:\n  keyFile: "
                + key()
                + "\n  user: lt\nhosts:\n  - {name: a, address: 127.0.0.1}\n"
                + "  - {name: b, address: localhost}\n");
    Inventory inv = InventoryLoader.load(loopback);
    assertEquals(1, inv.warnings().size(), inv.warnings().toString());
    String warning = inv.warnings().get(0);
    assertTrue(
        warning.startsWith(loopback.toString())
            && warning.contains("host b")
            && warning.contains("host a")
            && warning.contains("list it once"),
        warning);

    // The same private address behind two jump hosts: two hosts.
    Path jumps =
        yaml(
            "users: 2\nrampRate: 1\ndefaults:\n  keyFile: "
                + key()
                + "\n  user: lt\nhosts:\n  - {name: a, address: 10.0.0.5, jump: bastion1}\n"
                + "  - {name: b, address: 10.0.0.5, jump: bastion2}\n");
    assertEquals(List.of(), InventoryLoader.load(jumps).warnings());
  }

  @Test
  void namesThatDifferOnlyInCaseAreOneFolderAndRefused() throws Exception {
    InventoryException e = refused(twoHosts("", "    name: Inj1\n", "    name: inj1\n"));
    assertTrue(
        e.getMessage().contains("host inj1 name: duplicate name inj1")
            && e.getMessage().contains("differs only in case"),
        e.getMessage());
  }
}
