package dev.loadfleet.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and validates an inventory (YAML, or JSON when the file ends in {@code .json}) before
 * anything connects. Every error names the file, the host and the field, and says the fix.
 *
 * <p>Values end up inside remote shell commands. They are always shell-quoted there, and, as a
 * second fence, refused here when they hold characters a shell would act on.
 */
public final class InventoryLoader {
  /** Knobs the launcher sets itself per host; the inventory sets them through top-level fields. */
  static final Set<String> LAUNCHER_KNOBS =
      Set.of(
          "users", "rampRate", "idOffset", "startAt", "progressFile", "baseUrl", "steadyDuration");

  private static final Set<String> TOP_FIELDS =
      Set.of(
          "users",
          "rampRate",
          "duration",
          "simulation",
          "target",
          "workload",
          "knownHosts",
          "defaults",
          "hosts",
          "service",
          "stopWhen");
  private static final Set<String> HOST_FIELDS =
      Set.of(
          "name",
          "address",
          "port",
          "user",
          "keyFile",
          "jump",
          "baseDir",
          "weight",
          "maxUsers",
          "nic",
          "netInterface");

  /** The service's host takes a host's connection fields plus its count command; no share. */
  private static final Set<String> SERVICE_FIELDS =
      Set.of(
          "name",
          "address",
          "port",
          "user",
          "keyFile",
          "jump",
          "baseDir",
          "nic",
          "netInterface",
          "countCommand");

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.:_-]*");
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
  private static final Pattern DIR = Pattern.compile("[A-Za-z0-9._/+-]+");
  private static final Pattern CLASS =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)*");
  private static final Pattern KNOB_KEY = Pattern.compile("[A-Za-z][A-Za-z0-9._-]*");

  /** Knob values: anything printable except what a shell would expand, chain or redirect. */
  private static final Pattern KNOB_VALUE = Pattern.compile("[^\\s;|&$`'\"\\\\<>(){}*?!#~]*");

  private static final Pattern JUMP =
      Pattern.compile(
          "(?:([A-Za-z0-9_][A-Za-z0-9._-]*)@)?([A-Za-z0-9][A-Za-z0-9._-]*)(?::(\\d+))?");
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

  private final Path file;

  private InventoryLoader(Path file) {
    this.file = file;
  }

  /** Loads and validates {@code file}; relative key files resolve against the user's home. */
  public static Inventory load(Path file) throws InventoryException {
    return new InventoryLoader(file).read();
  }

  private Inventory read() throws InventoryException {
    if (!Files.isRegularFile(file)) {
      throw new InventoryException(
          file + ": no such inventory file; copy conf/cluster.example.yaml and edit it");
    }
    JsonNode root;
    try {
      ObjectMapper mapper =
          file.toString().endsWith(".json")
              ? new ObjectMapper()
              : new ObjectMapper(new YAMLFactory());
      root = mapper.readTree(file.toFile());
    } catch (IOException e) {
      throw new InventoryException(file + ": not valid YAML/JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InventoryException(file + ": expected a mapping with users, rampRate and hosts");
    }
    unknownFields(root, TOP_FIELDS, "");
    int users = intField(root, "users", "", null, 1);
    double rampRate = doubleField(root, "rampRate", "", null);
    if (rampRate <= 0) {
      throw error("", "rampRate", "must be above 0 users/s");
    }
    Optional<Duration> duration =
        root.hasNonNull("duration")
            ? Optional.of(duration(root.get("duration").asText(), "", "duration"))
            : Optional.empty();
    String simulation = text(root, "simulation", "", Inventory.DEFAULT_SIMULATION);
    match(
        CLASS,
        simulation,
        "",
        "simulation",
        "a Java class name such as " + Inventory.DEFAULT_SIMULATION);
    String target = text(root, "target", "", "");
    if (!target.isEmpty()) {
      validateUrl(target);
    }
    Map<String, String> workload = workload(root.get("workload"));
    Path knownHosts =
        localPath(text(root, "knownHosts", "", "~/.ssh/known_hosts"), "", "knownHosts");

    JsonNode defaults = root.path("defaults");
    if (!defaults.isMissingNode()) {
      unknownFields(defaults, HOST_FIELDS, "defaults ");
    }
    JsonNode hostsNode = root.get("hosts");
    if (hostsNode == null || !hostsNode.isArray() || hostsNode.isEmpty()) {
      throw error("", "hosts", "must list at least one host (address, user, keyFile, ...)");
    }
    List<HostSpec> hosts = new ArrayList<>();
    Map<String, String> seenNames = new HashMap<>();
    Map<String, String> seenEndpoints = new HashMap<>();
    int index = 0;
    for (JsonNode node : hostsNode) {
      String where = "hosts[" + index++ + "]";
      HostSpec host = host(node, defaults, where);
      where = "host " + host.name();
      String endpoint = host.user() + "@" + host.address() + ":" + host.port();
      String clash = seenEndpoints.putIfAbsent(endpoint, host.name());
      if (clash != null) {
        throw error(
            where,
            "address",
            "duplicate host: " + endpoint + " is already host " + clash + "; list each host once");
      }
      clash = seenNames.putIfAbsent(host.name(), host.name());
      if (clash != null) {
        throw error(
            where, "name", "duplicate name " + host.name() + "; give each host its own name");
      }
      hosts.add(host);
    }
    int capacity = 0;
    for (HostSpec h : hosts) {
      if (h.maxUsers() == 0) {
        capacity = Integer.MAX_VALUE;
        break;
      }
      capacity += h.maxUsers();
    }
    if (users > capacity) {
      throw error(
          "",
          "users",
          users
              + " users is more than the hosts' maxUsers allow ("
              + capacity
              + " in total); add hosts or raise maxUsers");
    }
    Optional<ServiceHost> service = service(root.get("service"), defaults, seenNames);
    List<StopCriterion> stopWhen =
        StopCriterion.fromInventory(root.get("stopWhen"), file.toString());
    return new Inventory(
        file,
        users,
        rampRate,
        duration,
        simulation,
        target,
        workload,
        knownHosts,
        hosts,
        service,
        stopWhen);
  }

  /**
   * The optional {@code service:} section: the service's own host, reached like an injector (the
   * same defaults and checks), sampled for health and asked for its count of stored recordings.
   */
  private Optional<ServiceHost> service(
      JsonNode node, JsonNode defaults, Map<String, String> injectorNames)
      throws InventoryException {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isObject()) {
      throw error(
          "service", "", "must be a mapping with at least address (and user, keyFile as a host)");
    }
    unknownFields(node, SERVICE_FIELDS, "service ");
    ObjectNode hostFields = ((ObjectNode) node).deepCopy();
    hostFields.remove("countCommand");
    if (!hostFields.has("name")) {
      hostFields.put("name", "service");
    }
    HostSpec host = host(hostFields, defaults, "service");
    if (injectorNames.containsKey(host.name())) {
      throw error(
          "service",
          "name",
          "'" + host.name() + "' is already an injector's name; give the service host its own");
    }
    Optional<String> countCommand = Optional.empty();
    JsonNode count = node.get("countCommand");
    if (count != null && !count.isNull()) {
      if (!count.isValueNode() || count.asText().isBlank()) {
        throw error(
            "service",
            "countCommand",
            "must be a shell command that prints one number, e.g. "
                + "find /srv/data/30/recordings -type f | wc -l");
      }
      if (count.asText().indexOf('\0') >= 0) {
        throw error("service", "countCommand", "holds a NUL character");
      }
      countCommand = Optional.of(count.asText());
    }
    return Optional.of(new ServiceHost(host, countCommand));
  }

  private HostSpec host(JsonNode node, JsonNode defaults, String where) throws InventoryException {
    if (!node.isObject()) {
      throw error(where, "", "each host must be a mapping with at least address, user and keyFile");
    }
    unknownFields(node, HOST_FIELDS, where + " ");
    JsonNode merged =
        defaults.isObject() ? defaults.deepCopy() : new ObjectMapper().createObjectNode();
    ((com.fasterxml.jackson.databind.node.ObjectNode) merged)
        .setAll((com.fasterxml.jackson.databind.node.ObjectNode) node);

    String address = text(merged, "address", where, null);
    match(ADDRESS, address, where, "address", "a host name or IP address");
    int port = intField(merged, "port", where, 22, 1);
    if (port > 65535) {
      throw error(where, "port", port + " is not a TCP port (1-65535)");
    }
    String defaultName = (port == 22 ? address : address + "-" + port).replace(':', '_');
    String name = text(merged, "name", where, defaultName);
    match(NAME, name, where, "name", "letters, digits, '.', '_' or '-'");
    where = "host " + name;
    String user = text(merged, "user", where, System.getProperty("user.name"));
    match(USER, user, where, "user", "a unix user name");
    String keyText = text(merged, "keyFile", where, null);
    Path keyFile = localPath(keyText, where, "keyFile");
    if (!Files.isReadable(keyFile)) {
      throw error(
          where,
          "keyFile",
          keyFile
              + " does not exist or is not readable; create a key with "
              + "ssh-keygen -t ed25519 -f "
              + keyFile
              + " and install it with ssh-copy-id");
    }
    Optional<JumpHost> jump = Optional.empty();
    if (merged.hasNonNull("jump")) {
      String j = merged.get("jump").asText();
      Matcher m = JUMP.matcher(j);
      if (!m.matches()) {
        throw error(where, "jump", "'" + printable(j) + "' is not [user@]host[:port]");
      }
      jump =
          Optional.of(
              new JumpHost(
                  m.group(1) == null ? user : m.group(1),
                  m.group(2),
                  m.group(3) == null ? 22 : Integer.parseInt(m.group(3))));
    }
    String baseDir = text(merged, "baseDir", where, "loadfleet");
    match(DIR, baseDir, where, "baseDir", "a path of letters, digits, '.', '_', '-', '+' and '/'");
    while (baseDir.length() > 1 && baseDir.endsWith("/")) {
      baseDir = baseDir.substring(0, baseDir.length() - 1);
    }
    for (String segment : baseDir.split("/")) {
      if (segment.equals("..")) {
        throw error(where, "baseDir", "'" + baseDir + "' climbs out with '..'; give a plain path");
      }
    }
    if (baseDir.startsWith("-") || baseDir.equals("/") || baseDir.equals(".")) {
      throw error(
          where,
          "baseDir",
          "'"
              + baseDir
              + "' is not a dir the launcher may own; use e.g. loadfleet or /opt/loadfleet");
    }
    int maxUsers = merged.hasNonNull("maxUsers") ? intField(merged, "maxUsers", where, 0, 1) : 0;
    double weight =
        merged.hasNonNull("weight")
            ? doubleField(merged, "weight", where, null)
            : (maxUsers > 0 ? maxUsers : 1);
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw error(where, "weight", "must be above 0");
    }
    long nic = HostSpec.DEFAULT_NIC_BITS_PER_SECOND;
    if (merged.hasNonNull("nic")) {
      try {
        nic =
            dev.loadfleet.units.LinkSpeed.parse(merged.get("nic").asText(), where + " nic")
                .bitsPerSecond();
      } catch (IllegalArgumentException e) {
        throw new InventoryException(file + ": " + e.getMessage());
      }
    }
    Optional<String> netInterface = Optional.empty();
    if (merged.hasNonNull("netInterface")) {
      String nif = merged.get("netInterface").asText();
      match(NAME, nif, where, "netInterface", "an interface name such as eth0");
      netInterface = Optional.of(nif);
    }
    return new HostSpec(
        name, address, port, user, keyFile, jump, baseDir, weight, maxUsers, nic, netInterface);
  }

  private Map<String, String> workload(JsonNode node) throws InventoryException {
    Map<String, String> knobs = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return knobs;
    }
    if (!node.isObject()) {
      throw error("", "workload", "must be a mapping of workload knobs (key: value)");
    }
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      match(KNOB_KEY, key, "", "workload", "knob names of letters, digits, '.', '_' or '-'");
      if (LAUNCHER_KNOBS.contains(key)) {
        throw error(
            "",
            "workload." + key,
            "is set by the launcher per host; use the top-level "
                + "users, rampRate, duration or target fields instead");
      }
      if (!e.getValue().isValueNode()) {
        throw error("", "workload." + key, "must be a plain value");
      }
      String value = e.getValue().asText();
      match(
          KNOB_VALUE,
          value,
          "",
          "workload." + key,
          "no spaces or shell characters (; | & $ ` ' \" \\ < > ( ) { } * ? ! # ~)");
      knobs.put(key, value);
    }
    return knobs;
  }

  private void validateUrl(String target) throws InventoryException {
    try {
      URI uri = new URI(target);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw error(
            "", "target", "'" + printable(target) + "' is not an http(s)://host[:port] URL");
      }
    } catch (URISyntaxException e) {
      throw error("", "target", "'" + printable(target) + "' is not a URL: " + e.getReason());
    }
    match(KNOB_VALUE, target, "", "target", "a URL without shell characters");
  }

  static Duration duration(String text, String where, String field) throws InventoryException {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new InventoryException(
          where + field + ": '" + text + "' is not a duration such as 30, 30s, 2m or 1h");
    }
    double amount = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double millis =
        switch (unit) {
          case "ms" -> amount;
          case "m" -> amount * 60_000;
          case "h" -> amount * 3_600_000;
          default -> amount * 1000;
        };
    return Duration.ofMillis(Math.round(millis));
  }

  private Path localPath(String text, String where, String field) throws InventoryException {
    if (text.indexOf('\0') >= 0 || text.contains("\n")) {
      throw error(where, field, "holds control characters");
    }
    if (text.equals("~") || text.startsWith("~/")) {
      return Path.of(System.getProperty("user.home"), text.substring(Math.min(2, text.length())));
    }
    Path p = Path.of(text);
    return p.isAbsolute() ? p : file.toAbsolutePath().getParent().resolve(p).normalize();
  }

  private void unknownFields(JsonNode node, Set<String> known, String where)
      throws InventoryException {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!known.contains(n)) {
        throw new InventoryException(
            file
                + ": "
                + where
                + "unknown field '"
                + printable(n)
                + "'; known fields: "
                + String.join(", ", known.stream().sorted().toList()));
      }
    }
  }

  private String text(JsonNode node, String field, String where, String fallback)
      throws InventoryException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (fallback == null) {
        throw error(where, field, "is required");
      }
      return fallback;
    }
    if (!v.isValueNode()) {
      throw error(where, field, "must be a plain value");
    }
    return v.asText();
  }

  private int intField(JsonNode node, String field, String where, Integer fallback, int min)
      throws InventoryException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (fallback == null) {
        throw error(where, field, "is required");
      }
      return fallback;
    }
    if (!v.canConvertToInt() || !(v.isIntegralNumber() || v.asText().matches("\\d+"))) {
      throw error(where, field, "'" + printable(v.asText()) + "' is not a whole number");
    }
    int i = v.isIntegralNumber() ? v.intValue() : Integer.parseInt(v.asText());
    if (i < min) {
      throw error(where, field, "must be at least " + min);
    }
    return i;
  }

  private double doubleField(JsonNode node, String field, String where, Double fallback)
      throws InventoryException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (fallback == null) {
        throw error(where, field, "is required");
      }
      return fallback;
    }
    try {
      return v.isNumber() ? v.doubleValue() : Double.parseDouble(v.asText());
    } catch (NumberFormatException e) {
      throw error(where, field, "'" + printable(v.asText()) + "' is not a number");
    }
  }

  private void match(Pattern p, String value, String where, String field, String expected)
      throws InventoryException {
    if (!p.matcher(value).matches()) {
      throw error(
          where,
          field,
          "'" + printable(value) + "' has characters that are not allowed; expected " + expected);
    }
  }

  private InventoryException error(String where, String field, String message) {
    String place = where.isEmpty() ? field : where + (field.isEmpty() ? "" : " " + field);
    return new InventoryException(file + ": " + place + ": " + message);
  }

  /** Control characters shown escaped, so an error message cannot rewrite the terminal. */
  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
    }
    return b.toString();
  }
}
