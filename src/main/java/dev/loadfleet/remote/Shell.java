package dev.loadfleet.remote;

import java.util.List;
import java.util.stream.Collectors;

/** POSIX shell quoting: every remote argument goes through {@link #quote}, whatever its origin. */
public final class Shell {
  private Shell() {}

  /** {@code 'text'}, with each {@code '} written as {@code '\''}: the shell takes it literally. */
  public static String quote(String text) {
    if (text.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a NUL byte cannot be passed to a remote shell");
    }
    return "'" + text.replace("'", "'\\''") + "'";
  }

  /** The arguments quoted and joined by spaces: one simple command. */
  public static String command(String... args) {
    return command(List.of(args));
  }

  public static String command(List<String> args) {
    return args.stream().map(Shell::quote).collect(Collectors.joining(" "));
  }
}
