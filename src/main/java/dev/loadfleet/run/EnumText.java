package dev.loadfleet.run;

import java.util.Arrays;
import java.util.function.Function;

/** Reading back the names that run.json and summary.json give an enum's constants. */
final class EnumText {
  private EnumText() {}

  /**
   * The constant among {@code values} whose {@code name} is {@code text}.
   *
   * @param what what the value is, for the error: "host state", "stopped by", ...
   * @throws IllegalArgumentException naming the value and the names allowed
   */
  static <E extends Enum<E>> E of(E[] values, Function<E, String> name, String text, String what) {
    return Arrays.stream(values)
        .filter(e -> name.apply(e).equals(text))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    what
                        + " '"
                        + text
                        + "' is none of "
                        + Arrays.stream(values).map(name).toList()));
  }
}
