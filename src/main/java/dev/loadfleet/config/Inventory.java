package dev.loadfleet.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The fleet and the run asked of it, from {@code conf/cluster.yaml} (see {@link InventoryLoader}).
 *
 * @param users total users across the fleet
 * @param rampRate total users started per second across the fleet
 * @param duration the steady phase after the ramp (the workload's {@code steadyDuration}), if set
 * @param simulation the Gatling simulation class the injectors run
 * @param target the service's base URL (the workload's {@code baseUrl}); empty = each injector's
 *     embedded stand-in
 * @param workload workload knobs every injector gets: as {@code -Dkey=value}, or, for a secret one,
 *     through its secrets file; {@code ${env:NAME}} already replaced
 * @param secretKnobs the workload knobs that carry a credential (see {@link InventoryLoader}):
 *     never on a command line, in run.json or in a message
 * @param knownHosts the OpenSSH known_hosts file host keys are checked against
 * @param service the service's own host, when the inventory names one
 * @param stopWhen the conditions that end the run early once they hold for their window
 * @param warnings what looks wrong but may be meant (one host under two spellings), one sentence
 *     each, naming the file and the hosts
 */
public record Inventory(
    Path source,
    int users,
    double rampRate,
    Optional<Duration> duration,
    String simulation,
    String target,
    Map<String, String> workload,
    Set<String> secretKnobs,
    Path knownHosts,
    List<HostSpec> hosts,
    Optional<ServiceHost> service,
    List<String> warnings,
    List<StopCriterion> stopWhen) {

  public static final String DEFAULT_SIMULATION = "dev.loadfleet.simulations.ProctoringSimulation";

  public Inventory {
    // Map.copyOf would iterate in a per-JVM order: the -D flags keep the order written.
    workload = Collections.unmodifiableMap(new LinkedHashMap<>(workload));
    secretKnobs = Collections.unmodifiableSet(new LinkedHashSet<>(secretKnobs));
    hosts = List.copyOf(hosts);
    stopWhen = List.copyOf(stopWhen);
    warnings = List.copyOf(warnings);
  }

  /** The secret knobs and their values: what reaches each injector through its secrets file. */
  public Map<String, String> secrets() {
    Map<String, String> s = new LinkedHashMap<>();
    secretKnobs.forEach(k -> s.put(k, workload.get(k)));
    return s;
  }

  /**
   * {@link #knobs()} without the secret ones: what may be written down and put on a command line.
   */
  public Map<String, String> publicKnobs() {
    Map<String, String> k = knobs();
    k.keySet().removeAll(secretKnobs);
    return k;
  }

  /**
   * The workload knobs of the whole fleet: the inventory's {@code workload} plus what its top-level
   * fields set (users, rampRate, steadyDuration, baseUrl). Per host, the launcher then replaces
   * users, rampRate and sets idOffset and startAt.
   */
  public Map<String, String> knobs() {
    Map<String, String> k = new LinkedHashMap<>(workload);
    k.put("users", String.valueOf(users));
    k.put("rampRate", String.valueOf(rampRate));
    duration.ifPresent(
        d -> k.put("steadyDuration", Math.max(1, Math.round(d.toMillis() / 1000.0)) + "s"));
    if (!target.isEmpty()) {
      k.put("baseUrl", target);
    }
    return k;
  }

  /**
   * The workload the injectors will run, read as they will read it (conf/ of this launcher, the
   * profile, then {@link #knobs()}), so a misspelt or out-of-range knob stops the run here.
   *
   * @throws InventoryException naming the knob and the problem
   */
  public Workload workloadFor(Path confDir) throws InventoryException {
    try {
      return Workload.load(confDir, knobs(), secretKnobs);
    } catch (RuntimeException e) {
      throw new InventoryException(source + ": workload: " + e.getMessage());
    }
  }

  public Optional<HostSpec> host(String name) {
    return hosts.stream().filter(h -> h.name().equals(name)).findFirst();
  }

  /** As a record would print it, with every secret knob's value hidden. */
  @Override
  public String toString() {
    Map<String, String> shown = new LinkedHashMap<>(workload);
    secretKnobs.forEach(k -> shown.put(k, "***"));
    return "Inventory[source="
        + source
        + ", users="
        + users
        + ", rampRate="
        + rampRate
        + ", workload="
        + shown
        + ", hosts="
        + hosts
        + "]";
  }
}
