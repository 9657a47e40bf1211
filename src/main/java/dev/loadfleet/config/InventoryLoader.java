package dev.loadfleet.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadfleet.units.Units;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and validates an inventory (YAML, or JSON when the file ends in {@code .json}) before
 * anything connects. Every error names the file, the host and the field, and says the fix.
 *
 * <p>The file is read through {@link ConfigFile}: bounded in size before it is parsed, a key given
 * twice or anything after the document refused. Every number has a range said in its error, and
 * sums are taken in {@code long}, so no value overflows into another.
 *
 * <p>Values end up inside remote shell commands, always shell-quoted there. Names, addresses, users
 * and paths are refused here when they hold characters a shell would act on, as a second fence;
 * workload knobs may hold anything but control characters (an auth header has spaces, a URL path
 * Gatling's {@code #{...}}), since their only way to a host is as one quoted argument.
 *
 * <p>Secret knobs: {@code authHeader}, every knob named in {@code secretKnobs}, and every knob
 * whose value takes an environment variable ({@code ${env:NAME}}) are {@link
 * Inventory#secretKnobs()}: the launcher never writes them to run.json or a command line.
 */
public final class InventoryLoader {
  /** Knobs the launcher sets itself per host; the inventory sets them through top-level fields. */
  static final Set<String> LAUNCHER_KNOBS =
      Set.of(
          "users",
          "rampRate",
          "idOffset",
          "startAt",
          "progressFile",
          "stopFile",
          "baseUrl",
          "steadyDuration");

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
          "secretKnobs",
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

  private static final Pattern NAME = Names.HOST;
  private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.:_-]{0,252}");
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");
  private static final Pattern DIR = Pattern.compile("[A-Za-z0-9._/+-]{1,1024}");
  private static final Pattern CLASS =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)*");
  private static final Pattern KNOB_KEY = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,63}");

  /** {@code ${env:NAME}} in a knob's value: the launcher's environment variable NAME. */
  private static final Pattern ENV = Pattern.compile("\\$\\{env:([^}]*)}");

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  /** An inventory is a page or two; a few thousand hosts fit in this. */
  static final long MAX_FILE_BYTES = 256 * 1024;

  /** The longest knob value, after {@code ${env:NAME}} is replaced. */
  static final int MAX_VALUE_LENGTH = 4096;

  /** More injectors than any fleet this launcher drives over SSH at once. */
  static final int MAX_HOSTS = 1000;

  /** The most users a run or a host may have: the workload's own bound. */
  static final int MAX_USERS = 1_000_000;

  /** The most users/s: the workload's own bound. */
  static final double MAX_RAMP_RATE = 100_000;

  /** The longest ramp ({@code users / rampRate}) and steady phase: a week, like the workload's. */
  static final Duration MAX_PHASE = Duration.ofDays(7);

  /** Weights are relative: a million to one is past any meaningful split. */
  static final double MAX_WEIGHT = 1_000_000;

  /** The fastest NIC a host may declare: 10 Tbit/s. */
  static final long MAX_NIC_BITS = 10_000_000_000_000L;

  private static final Pattern JUMP =
      Pattern.compile(
          "(?:([A-Za-z0-9_][A-Za-z0-9._-]*)@)?([A-Za-z0-9][A-Za-z0-9._-]*)(?::(\\d+))?");
  static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

  private final Path file;
  private final Map<String, String> env;
  private final SshConfig sshConfig;

  private InventoryLoader(Path file, Map<String, String> env, SshConfig sshConfig) {
    this.file = file;
    this.env = env;
    this.sshConfig = sshConfig;
  }

  /**
   * Loads and validates {@code file}, host aliases resolved through ~/.ssh/config; relative key
   * files resolve against the inventory's directory. Key files are not read here: only the commands
   * that connect need them ({@code plan} does not).
   */
  public static Inventory load(Path file) throws InventoryException {
    return load(file, System.getenv(), SshConfig.user());
  }

  /** As {@link #load(Path)}, with {@code ${env:NAME}} taken from {@code env}. */
  static Inventory load(Path file, Map<String, String> env) throws InventoryException {
    return load(file, env, SshConfig.user());
  }

  /** As {@link #load(Path)}, with host aliases resolved through {@code sshConfig}. */
  public static Inventory load(Path file, SshConfig sshConfig) throws InventoryException {
    return load(file, System.getenv(), sshConfig);
  }

  static Inventory load(Path file, Map<String, String> env, SshConfig sshConfig)
      throws InventoryException {
    try {
      return new InventoryLoader(file, env, sshConfig).read();
    } catch (InventoryException e) {
      // Whatever part of the file a refusal quotes, it reaches the terminal without control
      // characters (values quoted with printable() are already escaped; escaping is idempotent).
      throw new InventoryException(ConfigFile.escaped(e.getMessage()));
    }
  }

  private Inventory read() throws InventoryException {
    JsonNode root;
    try {
      root = ConfigFile.read(file, MAX_FILE_BYTES, "inventory");
    } catch (ConfigFile.Refusal e) {
      throw new InventoryException(
          e.getMessage()
              + (Files.exists(file) ? "" : "; copy conf/cluster.example.yaml and edit it"));
    }
    if (root == null || !root.isObject()) {
      throw new InventoryException(file + ": expected a mapping with users, rampRate and hosts");
    }
    unknownFields(root, TOP_FIELDS, "");
    int users = intField(root, "users", "", null, 1, MAX_USERS);
    double rampRate = doubleField(root, "rampRate", "", null);
    if (!(rampRate > 0 && rampRate <= MAX_RAMP_RATE)) {
      throw error(
          "",
          "rampRate",
          printable(root.get("rampRate").asText())
              + " is out of range: give users/s above 0 and at most "
              + (long) MAX_RAMP_RATE);
    }
    // users / rampRate, the ramp's length: 1e-300 users/s would ramp for longer than the universe.
    if (users / rampRate > MAX_PHASE.toSeconds()) {
      throw error(
          "",
          "rampRate",
          String.format(
              Locale.ROOT,
              "%s users/s ramps %d users over %.3g s, more than %d days; give at least %s users/s",
              printable(root.get("rampRate").asText()),
              users,
              users / rampRate,
              MAX_PHASE.toDays(),
              Units.decimal(Math.ceil(users * 1000.0 / MAX_PHASE.toSeconds()) / 1000)));
    }
    Optional<Duration> duration =
        root.hasNonNull("duration")
            ? Optional.of(duration(text(root, "duration", "", null), "", "duration"))
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
    Set<String> secretKnobs = secretKnobs(root.get("secretKnobs"), root.get("workload"), workload);
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
    if (hostsNode.size() > MAX_HOSTS) {
      throw error(
          "",
          "hosts",
          hostsNode.size() + " hosts is more than " + MAX_HOSTS + "; split the fleet in runs");
    }
    List<HostSpec> hosts = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Map<String, String> seenNames = new HashMap<>();
    Map<String, HostSpec> seenEndpoints = new HashMap<>();
    int index = 0;
    for (JsonNode node : hostsNode) {
      String where = "hosts[" + index++ + "]";
      HostSpec host = host(node, defaults, where);
      where = "host " + host.name();
      sameHost(host, seenEndpoints, where, warnings);
      // Names become folder names: Inj1 and inj1 are one folder on a case-insensitive disk.
      String clash = seenNames.putIfAbsent(host.name().toLowerCase(Locale.ROOT), host.name());
      if (clash != null) {
        throw error(
            where,
            "name",
            "duplicate name "
                + host.name()
                + (clash.equals(host.name()) ? "" : " (host " + clash + " differs only in case)")
                + "; give each host its own name");
      }
      hosts.add(host);
    }
    long capacity = 0;
    for (HostSpec h : hosts) {
      if (h.maxUsers() == 0) {
        capacity = Long.MAX_VALUE;
        break;
      }
      capacity += h.maxUsers(); // at most 1000 hosts x 1e6 users: no overflow in a long
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
        secretKnobs,
        knownHosts,
        hosts,
        service,
        warnings,
        stopWhen);
  }

  /**
   * Refuses a host listed twice (the same user, address and port, reached the same way; host names
   * are case-insensitive and an IP address has many spellings), and warns when two spellings most
   * likely reach one machine: {@code localhost} and {@code 127.0.0.1}. Each would run a share, so
   * that machine would carry twice its load.
   */
  private void sameHost(
      HostSpec host, Map<String, HostSpec> seen, String where, List<String> warnings)
      throws InventoryException {
    String via = host.jump().map(j -> " via " + j).orElse("");
    String exact = host.user() + "@" + canonical(host.address()) + ":" + host.port() + via;
    HostSpec clash = seen.putIfAbsent(exact, host);
    if (clash != null) {
      throw error(
          where,
          "address",
          "duplicate host: "
              + host.user()
              + "@"
              + host.address()
              + ":"
              + host.port()
              + via
              + " is already host "
              + clash.name()
              + (clash.address().equals(host.address()) ? "" : " (written " + clash.address() + ")")
              + "; list each host once");
    }
    if (isLoopback(host.address())) {
      String loop = host.user() + "@loopback:" + host.port() + via;
      HostSpec same = seen.putIfAbsent(loop, host);
      if (same != null) {
        warnings.add(
            file
                + ": "
                + where
                + " ("
                + host.address()
                + ":"
                + host.port()
                + ") and host "
                + same.name()
                + " ("
                + same.address()
                + ":"
                + same.port()
                + ") are both this machine's loopback with the same user and port: most likely one"
                + " host listed twice, which would run both shares; list it once");
      }
    }
  }

  /** An address as compared for duplicates: lower case, no trailing dot, IPs in one spelling. */
  private static String canonical(String address) {
    String a = address.toLowerCase(Locale.ROOT);
    if (a.endsWith(".")) {
      a = a.substring(0, a.length() - 1);
    }
    if (IP_LITERAL.matcher(a).matches()) {
      try {
        // A literal: parsed, never looked up.
        return java.net.InetAddress.getByName(a).getHostAddress();
      } catch (java.net.UnknownHostException e) {
        return a;
      }
    }
    return a;
  }

  private static boolean isLoopback(String address) {
    String a = canonical(address);
    if (a.equals("localhost") || a.endsWith(".localhost") || a.equals("ip6-localhost")) {
      return true;
    }
    return IP_LITERAL.matcher(a).matches() && (a.startsWith("127.") || a.equals("0:0:0:0:0:0:0:1"));
  }

  /** Dotted IPv4 or colon-hex IPv6: parsed by InetAddress without any name lookup. */
  private static final Pattern IP_LITERAL =
      Pattern.compile("(\\d{1,3}(\\.\\d{1,3}){3})|([0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7})");

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
    if (injectorNames.containsKey(host.name().toLowerCase(Locale.ROOT))) {
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
      if (count.asText().length() > MAX_VALUE_LENGTH) {
        throw error(
            "service", "countCommand", "is longer than " + MAX_VALUE_LENGTH + " characters");
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
    // The inventory's own values win; what it leaves out, ~/.ssh/config may give for the alias.
    SshConfig.Entry config = sshConfig.resolve(address);
    Integer ownPort = merged.hasNonNull("port") ? intField(merged, "port", where, 22, 1) : null;
    int port = ownPort != null ? ownPort : config.port().orElse(22);
    if (port > 65535) {
      throw error(where, "port", port + " is not a TCP port (1-65535)");
    }
    String defaultName =
        (ownPort == null || ownPort == 22 ? address : address + "-" + ownPort).replace(':', '_');
    String name = text(merged, "name", where, defaultName);
    match(NAME, name, where, "name", Names.HOST_RULE);
    where = "host " + name;
    if (config.hostName().isPresent()) {
      address = config.hostName().get();
      match(
          ADDRESS,
          address,
          where,
          "address",
          "a host name or IP address (HostName in " + sshConfigFile() + ")");
    }
    String user =
        text(merged, "user", where, config.user().orElse(System.getProperty("user.name")));
    match(USER, user, where, "user", "a unix user name");
    Optional<Path> keyFile;
    if (merged.hasNonNull("keyFile")) {
      keyFile = Optional.of(localPath(text(merged, "keyFile", where, null), where, "keyFile"));
    } else {
      // ssh tries each IdentityFile in turn and skips those missing; the first present is ours.
      keyFile = config.identityFiles().stream().filter(Files::isRegularFile).findFirst();
    }
    Optional<JumpHost> jump = Optional.empty();
    Optional<String> jumpText =
        merged.hasNonNull("jump") ? Optional.of(merged.get("jump").asText()) : config.proxyJump();
    if (jumpText.isPresent()) {
      jump = Optional.of(jump(jumpText.get(), user, where));
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
    int maxUsers =
        merged.hasNonNull("maxUsers") ? intField(merged, "maxUsers", where, 0, 1, MAX_USERS) : 0;
    double weight =
        merged.hasNonNull("weight")
            ? doubleField(merged, "weight", where, null)
            : (maxUsers > 0 ? maxUsers : 1);
    if (!(weight > 0 && weight <= MAX_WEIGHT)) {
      throw error(
          where,
          "weight",
          printable(merged.path("weight").asText())
              + " is out of range: give a number above 0 and at most "
              + (long) MAX_WEIGHT);
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
      if (nic > MAX_NIC_BITS) {
        throw error(
            where,
            "nic",
            printable(merged.get("nic").asText()) + " is faster than any NIC; at most 10Tbps");
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

  /**
   * {@code [user@]host[:port]}, where host may itself be an ssh_config alias: what the text gives
   * wins, then the alias's HostName, User and Port, then the host's own user and port 22.
   */
  private JumpHost jump(String text, String hostUser, String where) throws InventoryException {
    Matcher m = JUMP.matcher(text);
    if (text.contains(",")) {
      throw error(
          where,
          "jump",
          "'" + printable(text) + "' names several jump hosts; one jump host is supported");
    }
    if (!m.matches()) {
      throw error(where, "jump", "'" + printable(text) + "' is not [user@]host[:port]");
    }
    SshConfig.Entry config = sshConfig.resolve(m.group(2));
    String address = config.hostName().orElse(m.group(2));
    match(ADDRESS, address, where, "jump", "a host name or IP address");
    String user = m.group(1) != null ? m.group(1) : config.user().orElse(hostUser);
    match(USER, user, where, "jump", "a unix user name");
    long port = m.group(3) != null ? jumpPort(m.group(3), where) : config.port().orElse(22);
    return new JumpHost(user, address, (int) port);
  }

  private String sshConfigFile() {
    return sshConfig.file().map(Path::toString).orElse("~/.ssh/config");
  }

  private Map<String, String> workload(JsonNode node) throws InventoryException {
    Map<String, String> knobs = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return knobs;
    }
    if (!node.isObject()) {
      throw error("", "workload", "must be a mapping of workload knobs (key: value)");
    }
    Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      match(KNOB_KEY, key, "", "workload", "knob names of 1-64 letters, digits, '.', '_' or '-'");
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
      String value = withEnvironment(e.getValue().asText(), "workload." + key);
      plainText(value, "", "workload." + key, false);
      knobs.put(key, value);
    }
    return knobs;
  }

  /**
   * {@code value} with every {@code ${env:NAME}} replaced by the variable's value. A variable that
   * is not set is an error: a credential silently replaced by nothing fails only at the service.
   */
  private String withEnvironment(String value, String field) throws InventoryException {
    if (!value.contains("${env:")) {
      return value;
    }
    Matcher m = ENV.matcher(value);
    StringBuilder out = new StringBuilder();
    int last = 0;
    while (m.find()) {
      String name = m.group(1);
      if (!ENV_NAME.matcher(name).matches()) {
        throw error(
            "",
            field,
            "'${env:"
                + printable(name)
                + "}' does not name an environment variable; write ${env:NAME} with NAME of"
                + " letters, digits and '_'");
      }
      String v = env.get(name);
      if (v == null) {
        throw error(
            "",
            field,
            "takes the environment variable "
                + name
                + ", which is not set; export "
                + name
                + " before starting the launcher");
      }
      if (hasControl(v)) {
        // Its value is a secret: never shown, not even escaped.
        throw error(
            "",
            field,
            "the environment variable " + name + " holds control characters (a newline?)");
      }
      out.append(value, last, m.start()).append(v);
      last = m.end();
    }
    if (value.indexOf("${env:", last) >= 0) {
      throw error("", field, "'${env:' is not closed; write ${env:NAME}");
    }
    return out.append(value.substring(last)).toString();
  }

  /**
   * The secret knobs: {@code authHeader} when set, those listed in {@code secretKnobs}, and those
   * whose value takes an environment variable.
   */
  private Set<String> secretKnobs(JsonNode listed, JsonNode workloadNode, Map<String, String> knobs)
      throws InventoryException {
    Set<String> secret = new LinkedHashSet<>();
    if (knobs.containsKey("authHeader")) {
      secret.add("authHeader");
    }
    if (listed != null && !listed.isNull()) {
      if (!listed.isArray()) {
        throw error("", "secretKnobs", "must be a list of workload knob names, e.g. [apiKey]");
      }
      for (JsonNode n : listed) {
        String name = n.isValueNode() ? n.asText() : "";
        if (!knobs.containsKey(name)) {
          throw error(
              "",
              "secretKnobs",
              "'"
                  + printable(name)
                  + "' is not a knob under workload; list the names of workload knobs"
                  + (knobs.isEmpty() ? "" : " (" + String.join(", ", knobs.keySet()) + ")"));
        }
        secret.add(name);
      }
    }
    if (workloadNode != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = workloadNode.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().asText().contains("${env:")) {
          secret.add(e.getKey());
        }
      }
    }
    return secret;
  }

  private void validateUrl(String target) throws InventoryException {
    plainText(target, "", "target", true);
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
  }

  /**
   * Refuses control characters (NUL, newline, escape...) and overlong values; everything else may
   * pass, quoted, to a remote shell. {@code show} false: the value may be a secret, never shown.
   */
  private void plainText(String value, String where, String field, boolean show)
      throws InventoryException {
    if (hasControl(value)) {
      throw error(
          where,
          field,
          (show ? "'" + printable(value) + "' holds" : "holds")
              + " control characters (a newline, tab or NUL); give it on one line");
    }
    if (value.length() > MAX_VALUE_LENGTH) {
      throw error(where, field, "is longer than " + MAX_VALUE_LENGTH + " characters");
    }
  }

  private static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
        return true;
      }
    }
    return false;
  }

  private Duration duration(String text, String where, String field) throws InventoryException {
    Matcher m = DURATION.matcher(text.trim());
    if (text.length() > 40 || !m.matches()) {
      throw error(
          where, field, "'" + printable(text) + "' is not a duration such as 30, 30s, 2m or 1h");
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
    if (millis > MAX_PHASE.toMillis()) {
      throw error(
          where,
          field,
          "'"
              + printable(text)
              + "' is out of range: at most "
              + MAX_PHASE.toDays()
              + " days (e.g. 10m, 2h)");
    }
    return Duration.ofMillis(Math.round(millis));
  }

  private Path localPath(String text, String where, String field) throws InventoryException {
    if (text.indexOf('\0') >= 0 || text.contains("\n")) {
      throw error(where, field, "holds control characters");
    }
    if (text.equals("~") || text.startsWith("~/")) {
      return Path.of(System.getProperty("user.home"), text.substring(Math.min(2, text.length())));
    }
    try {
      Path p = Path.of(text);
      return p.isAbsolute() ? p : file.toAbsolutePath().getParent().resolve(p).normalize();
    } catch (java.nio.file.InvalidPathException e) {
      throw error(where, field, "'" + printable(text) + "' is not a file path");
    }
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
    if (v.asText().length() > MAX_VALUE_LENGTH) {
      throw error(where, field, "is longer than " + MAX_VALUE_LENGTH + " characters");
    }
    return v.asText();
  }

  private int intField(JsonNode node, String field, String where, Integer fallback, int min)
      throws InventoryException {
    return intField(node, field, where, fallback, min, Integer.MAX_VALUE);
  }

  /** A whole number from {@code min} to {@code max}, written as a number or a string of digits. */
  private int intField(
      JsonNode node, String field, String where, Integer fallback, int min, int max)
      throws InventoryException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (fallback == null) {
        throw error(where, field, "is required");
      }
      return fallback;
    }
    String range = max == Integer.MAX_VALUE ? "at least " + min : "from " + min + " to " + max;
    String text = v.asText();
    boolean whole = v.isIntegralNumber() || (v.isTextual() && text.matches("[+-]?\\d{1,40}"));
    if (!whole) {
      throw error(
          where, field, "'" + printable(text) + "' is not a whole number; give one " + range);
    }
    if (!v.canConvertToInt() && !(v.isTextual() && fitsInt(text))) {
      throw error(where, field, printable(text) + " is out of range; give a whole number " + range);
    }
    int i = v.isIntegralNumber() ? v.intValue() : Integer.parseInt(text.replace("+", ""));
    if (i < min || i > max) {
      throw error(where, field, i + " is out of range; give a whole number " + range);
    }
    return i;
  }

  private static boolean fitsInt(String digits) {
    try {
      Integer.parseInt(digits.replace("+", ""));
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** A jump host's port, written after its ':'. */
  private int jumpPort(String digits, String where) throws InventoryException {
    if (digits.length() > 5 || Integer.parseInt(digits) < 1 || Integer.parseInt(digits) > 65535) {
      throw error(
          where,
          "jump",
          "port "
              + printable(digits.length() > 20 ? digits.substring(0, 20) + "..." : digits)
              + " is not a TCP port; give 1-65535");
    }
    return Integer.parseInt(digits);
  }

  /** A finite number, written as a number or a string of one. */
  private double doubleField(JsonNode node, String field, String where, Double fallback)
      throws InventoryException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (fallback == null) {
        throw error(where, field, "is required");
      }
      return fallback;
    }
    double d;
    try {
      d = v.isNumber() ? v.doubleValue() : Double.parseDouble(v.asText());
    } catch (NumberFormatException e) {
      throw error(where, field, "'" + printable(v.asText()) + "' is not a number");
    }
    if (!Double.isFinite(d) || !(v.isNumber() || v.asText().matches("[+-]?[0-9.eE+-]{1,40}"))) {
      throw error(where, field, "'" + printable(v.asText()) + "' is not a finite number");
    }
    return d;
  }

  private void match(Pattern p, String value, String where, String field, String expected)
      throws InventoryException {
    if (!p.matcher(value).matches()) {
      throw error(
          where,
          field,
          "'"
              + printable(value)
              + "' has characters or a length not allowed; expected "
              + expected);
    }
  }

  private InventoryException error(String where, String field, String message) {
    String place = where.isEmpty() ? field : where + (field.isEmpty() ? "" : " " + field);
    return new InventoryException(file + ": " + place + ": " + message);
  }

  /** Control characters shown escaped, so an error message cannot rewrite the terminal. */
  private static String printable(String s) {
    return ConfigFile.printable(s);
  }
}
