package dev.loadfleet.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads a small configuration file (an inventory, a workload profile, a secrets file) as YAML or
 * JSON, refusing what no hand-written configuration holds before it costs time or memory: a file
 * over its size bound is refused unread (SnakeYAML's time grows with the square of a long scalar's
 * length: a 2 MiB scalar takes seconds before its own limit answers), and the parsers' own bounds
 * (nesting, number length, string length, code points) hold for what is read. A key given twice and
 * anything after the document are refused too: YAML and JSON parsers would otherwise keep the last
 * value or stop reading silently.
 */
final class ConfigFile {
  /** Deeper than any configuration the launcher reads (an inventory is 3 levels deep). */
  private static final int MAX_NESTING = 16;

  /** Longer than any number a person writes; {@code 1e400} is refused later as out of range. */
  private static final int MAX_NUMBER_LENGTH = 40;

  /** Longer than any value a person writes in a configuration file. */
  static final int MAX_STRING_LENGTH = 16 * 1024;

  private ConfigFile() {}

  /** Why a file was not read: one sentence that names the file and says what to do. */
  static final class Refusal extends Exception {
    Refusal(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The file's tree: JSON when its name ends in {@code .json}, else YAML.
   *
   * @param maxBytes the most bytes the file may hold
   * @param what what the file is, for messages ("inventory", "workload profile")
   */
  static JsonNode read(Path file, long maxBytes, String what) throws Refusal {
    if (!Files.isRegularFile(file)) {
      throw new Refusal(
          file
              + ": "
              + (Files.exists(file, LinkOption.NOFOLLOW_LINKS)
                  ? "not a regular file; give the " + what + " file itself"
                  : "no such " + what + " file"));
    }
    byte[] bytes = readBounded(file, maxBytes, what);
    try {
      return mapper(file.getFileName().toString().endsWith(".json")).readTree(bytes);
    } catch (StreamConstraintsException e) {
      throw new Refusal(
          file + ": " + what + " is too complex to be hand-written (" + bound(e) + ")" + at(e));
    } catch (MismatchedInputException e) {
      if (e.getOriginalMessage().startsWith("Trailing token")) {
        throw new Refusal(
            file
                + ": more follows the "
                + what
                + "'s document"
                + at(e)
                + "; keep one document per file");
      }
      throw new Refusal(file + ": not valid YAML/JSON: " + printable(e.getOriginalMessage()));
    } catch (JsonProcessingException e) {
      String message = e.getOriginalMessage();
      if (message.startsWith("Duplicate field")) {
        throw new Refusal(
            file
                + ": "
                + printable(message.replace("Duplicate field", "key"))
                + " is given twice"
                + at(e)
                + "; give each key once");
      }
      throw new Refusal(file + ": not valid YAML/JSON" + at(e) + ": " + printable(firstLine(e)));
    } catch (IOException e) {
      throw new Refusal(file + ": cannot read the " + what + ": " + e.getMessage());
    }
  }

  /** The mapper every configuration file is read with. */
  private static ObjectMapper mapper(boolean json) {
    StreamReadConstraints constraints =
        StreamReadConstraints.builder()
            .maxNestingDepth(MAX_NESTING)
            .maxNumberLength(MAX_NUMBER_LENGTH)
            .maxStringLength(MAX_STRING_LENGTH)
            .build();
    ObjectMapper mapper;
    if (json) {
      com.fasterxml.jackson.core.JsonFactory f =
          com.fasterxml.jackson.core.JsonFactory.builder()
              .streamReadConstraints(constraints)
              .build();
      mapper = new ObjectMapper(f);
    } else {
      LoaderOptions loader = new LoaderOptions();
      loader.setNestingDepthLimit(MAX_NESTING);
      loader.setCodePointLimit(Math.toIntExact(MAX_FILE_CODE_POINTS));
      mapper =
          new ObjectMapper(
              YAMLFactory.builder()
                  .loaderOptions(loader)
                  .streamReadConstraints(constraints)
                  .build());
    }
    return mapper
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /** No configuration file holds more characters than this; the callers' byte bounds are lower. */
  private static final long MAX_FILE_CODE_POINTS = 1 << 20;

  /** Reads at most {@code maxBytes}; a longer file (or one that keeps growing) is refused. */
  private static byte[] readBounded(Path file, long maxBytes, String what) throws Refusal {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(Math.toIntExact(maxBytes + 1));
      if (bytes.length > maxBytes) {
        throw new Refusal(
            file
                + ": the "
                + what
                + " is larger than "
                + maxBytes / 1024
                + " KiB; no hand-written "
                + what
                + " is that large: check that this is the right file");
      }
      return bytes;
    } catch (IOException e) {
      throw new Refusal(file + ": cannot read the " + what + ": " + e.getMessage());
    }
  }

  private static String bound(StreamConstraintsException e) {
    String m = e.getOriginalMessage();
    if (m.contains("nesting depth")) {
      return "nested deeper than " + MAX_NESTING + " levels";
    }
    if (m.contains("Number value length")) {
      return "a number longer than " + MAX_NUMBER_LENGTH + " digits";
    }
    if (m.contains("String value length")) {
      return "a value longer than " + MAX_STRING_LENGTH + " characters";
    }
    return printable(m);
  }

  private static String at(JsonProcessingException e) {
    JsonLocation l = e.getLocation();
    return l == null || l.getLineNr() < 1 ? "" : " (line " + l.getLineNr() + ")";
  }

  private static String firstLine(JsonProcessingException e) {
    String m = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage();
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).strip();
  }

  /**
   * At most 200 code points of {@code s}, control characters shown escaped, so a value quoted in an
   * error message cannot rewrite the terminal nor flood it.
   */
  static String printable(String s) {
    if (s.codePointCount(0, s.length()) <= 200) {
      return escaped(s);
    }
    return escaped(s.substring(0, s.offsetByCodePoints(0, 200))) + "...";
  }

  /** {@code s} whole, with every control character shown as {@code \xNN}. */
  static String escaped(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints()
        .forEach(
            c -> {
              if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                b.append(String.format("\\x%02x", c));
              } else {
                b.appendCodePoint(c);
              }
            });
    return b.toString();
  }
}
