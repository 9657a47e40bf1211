package dev.loadfleet.config;

import java.util.regex.Pattern;

/**
 * The names that become local folder names: a host's (results/&lt;run&gt;/hosts/&lt;host&gt;/), a
 * run's (results/&lt;run&gt;/) and a report's (results/&lt;name&gt;/). One rule for each, applied
 * where a name comes in: from the inventory, from the command line, and read back from a run.json
 * that anyone may have edited. None can be empty, start with a dot or a dash, or hold a '/'.
 */
public final class Names {
  /** A host's name: also an interface name's rule (eth0, ens3.100). */
  static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private static final Pattern RUN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  /** How a host name is written, for messages. */
  public static final String HOST_RULE =
      "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";

  /** How a run id or report name is written, for messages. */
  public static final String RUN_RULE =
      "1-100 letters, digits, '.', '_' or '-', starting with a letter or digit";

  private Names() {}

  public static boolean isHostName(String name) {
    return name != null && HOST.matcher(name).matches();
  }

  /** A run id or a report name: one folder under the results root. */
  public static boolean isRunId(String id) {
    return id != null && RUN.matcher(id).matches();
  }
}
