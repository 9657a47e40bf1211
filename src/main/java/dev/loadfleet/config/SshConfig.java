package dev.loadfleet.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's OpenSSH client config (~/.ssh/config), read with Apache MINA SSHD's parser (first
 * value wins, {@code Host} patterns with {@code *}, {@code ?} and {@code !}, {@code %d}, {@code
 * %u}, {@code %r}, {@code %h} in IdentityFile), so that hosts may be named by their aliases. Only
 * what reaches a host is taken: HostName, User, Port, IdentityFile, ProxyJump; the inventory's own
 * values always win over it.
 *
 * <p>{@code Include} files are read in place, as ssh does; {@code Match} blocks, which the parser
 * does not take, are left out (a log line says so): a host configured only in one is not found.
 */
public final class SshConfig {
  private static final Logger LOG = LoggerFactory.getLogger(SshConfig.class);

  /** No config: every alias is its own address. */
  public static final SshConfig NONE = new SshConfig(Optional.empty(), List.of());

  private final Optional<Path> file;
  private final List<HostConfigEntry> entries;

  private SshConfig(Optional<Path> file, List<HostConfigEntry> entries) {
    this.file = file;
    this.entries = entries;
  }

  /** ~/.ssh/config when there is one, as {@code ssh} reads it. */
  public static SshConfig user() throws InventoryException {
    Path file = Path.of(System.getProperty("user.home"), ".ssh", "config");
    return Files.isRegularFile(file) ? of(file) : NONE;
  }

  /** The config in {@code file}. */
  public static SshConfig of(Path file) throws InventoryException {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new InventoryException(
          file + ": no readable ssh_config file there; give an OpenSSH client config, or none");
    }
    try {
      if (Files.size(file) > 1 << 20) {
        throw new InventoryException(file + ": larger than 1 MiB, not an ssh_config file");
      }
      StringBuilder text = new StringBuilder();
      inline(file, text, 0);
      return new SshConfig(
          Optional.of(file),
          HostConfigEntry.readHostConfigEntries(
              new BufferedReader(new StringReader(text.toString()))));
    } catch (IOException | RuntimeException e) {
      throw new InventoryException(
          file + ": not an OpenSSH client config this launcher can read (" + e.getMessage() + ")");
    }
  }

  /**
   * {@code file}'s lines with each {@code Include} replaced by the files it names (relative to
   * ~/.ssh, globs in the last part) and {@code Match} blocks left out.
   */
  private static void inline(Path file, StringBuilder text, int depth) throws IOException {
    if (depth > 8) {
      throw new IOException("Include nests deeper than 8 files at " + file);
    }
    boolean inMatch = false;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] words = line.trim().split("[\\s=]+", 2);
      String keyword = words[0].toLowerCase(Locale.ROOT);
      if (keyword.equals("match")) {
        LOG.info("{}: a Match block is not read ({})", file, line.trim());
        inMatch = true;
        continue;
      }
      if (keyword.equals("host")) {
        inMatch = false;
      }
      if (inMatch) {
        continue;
      }
      if (keyword.equals("include") && words.length == 2) {
        for (String pattern : words[1].trim().split("\\s+")) {
          for (Path included : expand(pattern)) {
            inline(included, text, depth + 1);
          }
        }
        continue;
      }
      text.append(line).append('\n');
    }
  }

  private static List<Path> expand(String pattern) throws IOException {
    Path sshDir = Path.of(System.getProperty("user.home"), ".ssh");
    String p =
        pattern.startsWith("~/") ? System.getProperty("user.home") + pattern.substring(1) : pattern;
    Path path = sshDir.resolve(p);
    Path dir = path.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      return List.of();
    }
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, path.getFileName().toString())) {
      s.forEach(
          f -> {
            if (Files.isRegularFile(f)) {
              found.add(f);
            }
          });
    }
    found.sort(null);
    return found;
  }

  /** The file read, if any (for messages). */
  public Optional<Path> file() {
    return file;
  }

  /**
   * What the config sets for {@code alias}, field by field; empty where it sets nothing.
   *
   * @param hostName the address to connect to, when the config renames the alias
   * @param identityFiles IdentityFile entries, {@code ~} and {@code %} tokens expanded
   * @param proxyJump ProxyJump as written ({@code none} already dropped)
   */
  public record Entry(
      Optional<String> hostName,
      Optional<String> user,
      OptionalInt port,
      List<Path> identityFiles,
      Optional<String> proxyJump) {
    static final Entry EMPTY =
        new Entry(
            Optional.empty(), Optional.empty(), OptionalInt.empty(), List.of(), Optional.empty());
  }

  public Entry resolve(String alias) throws InventoryException {
    List<HostConfigEntry> matching = HostConfigEntry.findMatchingEntries(alias, entries);
    if (matching.isEmpty()) {
      return Entry.EMPTY;
    }
    HostConfigEntry effective;
    try {
      effective =
          HostConfigEntry.toHostConfigEntryResolver(entries)
              .resolveEffectiveHost(alias, 0, null, null, null, null);
    } catch (IOException | RuntimeException e) {
      throw new InventoryException(
          file.map(Path::toString).orElse("ssh_config")
              + ": host "
              + alias
              + " cannot be resolved ("
              + e.getMessage()
              + ")");
    }
    if (effective == null) {
      return Entry.EMPTY;
    }
    // The resolver fills defaults (port 22, this user); only what a matching block sets counts.
    boolean setsHostName = matching.stream().anyMatch(e -> e.getHostName() != null);
    boolean setsUser = matching.stream().anyMatch(e -> e.getUsername() != null);
    boolean setsPort = matching.stream().anyMatch(e -> e.getPort() > 0);
    boolean setsIdentities =
        matching.stream().anyMatch(e -> e.getIdentities() != null && !e.getIdentities().isEmpty());
    Optional<String> jump =
        Optional.ofNullable(effective.getProxyJump())
            .map(String::trim)
            .filter(j -> !j.isEmpty() && !j.equalsIgnoreCase("none"));
    return new Entry(
        setsHostName ? Optional.ofNullable(effective.getHostName()) : Optional.empty(),
        setsUser ? Optional.ofNullable(effective.getUsername()) : Optional.empty(),
        setsPort ? OptionalInt.of(effective.getPort()) : OptionalInt.empty(),
        setsIdentities ? effective.getIdentities().stream().map(Path::of).toList() : List.of(),
        jump);
  }
}
