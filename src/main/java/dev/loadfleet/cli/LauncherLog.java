package dev.loadfleet.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.ConsoleAppender;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * The launcher's own logging. Library log lines (sshj, MINA's config parser, JSch) never reach the
 * console unless {@code --verbose}; they go, with every line the command printed, to a full log
 * file: {@code results/<run>/launcher.log} for a run, {@code results/logs/<command>-<time>.log} for
 * check, deploy and a run refused before its folder existed.
 *
 * <p>Lines are kept in memory until the file's place is known (a run's folder appears only once it
 * passed check), then written, and appended as they come from there on.
 */
final class LauncherLog {
  /** The logger the command's own console lines are copied to. */
  static final String CONSOLE_LOGGER = "dev.loadfleet.console";

  private static final String PATTERN =
      "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n%ex";
  private static final int MAX_BUFFERED_LINES = 50_000;

  private LauncherLog() {}

  private static Optional<LoggerContext> context() {
    return LoggerFactory.getILoggerFactory() instanceof LoggerContext c
        ? Optional.of(c)
        : Optional.empty();
  }

  /** With {@code verbose}, library and launcher log lines also go to stderr. */
  static void console(boolean verbose) {
    if (!verbose) {
      return;
    }
    context()
        .ifPresent(
            ctx -> {
              Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
              if (root.getAppender("VERBOSE") != null) {
                return;
              }
              PatternLayoutEncoder encoder = new PatternLayoutEncoder();
              encoder.setContext(ctx);
              encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n%ex");
              encoder.start();
              ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
              console.setContext(ctx);
              console.setName("VERBOSE");
              console.setTarget("System.err");
              console.setEncoder(encoder);
              console.start();
              root.addAppender(console);
              root.setLevel(Level.DEBUG);
              // net.schmizz logs every packet at TRACE; DEBUG is the conversation.
              ctx.getLogger("dev.loadfleet").setLevel(Level.DEBUG);
            });
  }

  /**
   * {@code out} with every line also sent to the log (logger {@value #CONSOLE_LOGGER}, which the
   * verbose console leaves out: it is on the console already).
   */
  static PrintWriter tee(PrintWriter out, String stream) {
    org.slf4j.Logger log = LoggerFactory.getLogger(CONSOLE_LOGGER + "." + stream);
    Writer copy =
        new Writer() {
          private final StringBuilder line = new StringBuilder();

          @Override
          public void write(char[] c, int off, int len) {
            out.write(c, off, len);
            for (int i = off; i < off + len; i++) {
              if (c[i] == '\n') {
                log.info(line.toString());
                line.setLength(0);
              } else {
                line.append(c[i]);
              }
            }
          }

          @Override
          public void flush() {
            out.flush();
          }

          @Override
          public void close() {
            if (line.length() > 0) {
              log.info(line.toString());
              line.setLength(0);
            }
            out.flush();
          }
        };
    return new PrintWriter(copy, true);
  }

  /** {@code results/logs/<command>-<UTC time>.log}. */
  static Path commandLog(Path results, String command) {
    return results
        .resolve("logs")
        .resolve(
            command
                + "-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")
                    .withZone(ZoneOffset.UTC)
                    .format(java.time.Instant.now())
                + ".log");
  }

  /**
   * Starts keeping the full log of one command.
   *
   * @param runDir where the log goes once this folder exists ({@code launcher.log} in it)
   * @param fallback where it goes otherwise, at the end, if {@link Session#close(boolean)} keeps it
   */
  static Session start(Optional<Path> runDir, Path fallback) {
    return new Session(runDir, fallback);
  }

  /** One command's log; {@link #close} writes what is left and says where it went. */
  static final class Session implements AutoCloseable {
    private final Optional<Path> runDir;
    private final Path fallback;
    private final FileLogAppender appender;

    private Session(Optional<Path> runDir, Path fallback) {
      this.runDir = runDir;
      this.fallback = fallback;
      this.appender = new FileLogAppender(runDir.map(d -> d.resolve("launcher.log")));
      context()
          .ifPresent(
              ctx -> {
                PatternLayout layout = new PatternLayout();
                layout.setContext(ctx);
                layout.setPattern(PATTERN);
                layout.start();
                appender.layout = layout;
                appender.setContext(ctx);
                appender.setName("LAUNCHER-LOG");
                appender.start();
                // The levels are the configuration's (conf/logback-launcher.xml: INFO, no
                // console); this only adds the file.
                ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
                Logger console = ctx.getLogger(CONSOLE_LOGGER);
                console.setLevel(Level.INFO);
                console.setAdditive(false);
                console.addAppender(appender);
              });
    }

    /**
     * Ends the log: the run's folder if it exists by now, else the fallback when {@code keep}.
     *
     * @return the file the log is in, if one was written
     */
    Optional<Path> close(boolean keep) {
      context()
          .ifPresent(
              ctx -> {
                ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(appender);
                ctx.getLogger(CONSOLE_LOGGER).detachAppender(appender);
              });
      appender.stop();
      return appender.finish(keep ? Optional.of(fallback) : Optional.empty());
    }

    @Override
    public void close() {
      close(false);
    }

    Optional<Path> runLog() {
      return runDir.map(d -> d.resolve("launcher.log"));
    }
  }

  /** Buffers formatted lines until its file can be opened, then appends to it. */
  private static final class FileLogAppender extends AppenderBase<ILoggingEvent> {
    private final Optional<Path> file;
    private final Deque<String> buffered = new ArrayDeque<>();
    private PatternLayout layout;
    private Writer writer;
    private Path written;
    private boolean failed;

    FileLogAppender(Optional<Path> file) {
      this.file = file;
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
      String text = layout.doLayout(event);
      if (writer == null
          && !failed
          && file.isPresent()
          && Files.isDirectory(file.get().getParent())) {
        open(file.get());
      }
      if (writer != null) {
        try {
          writer.write(text);
          writer.flush();
        } catch (IOException e) {
          failed = true;
          writer = null;
        }
      } else {
        buffered.add(text);
        if (buffered.size() > MAX_BUFFERED_LINES) {
          buffered.removeFirst();
        }
      }
    }

    private void open(Path path) {
      try {
        Files.createDirectories(path.getParent());
        writer =
            new BufferedWriter(
                Files.newBufferedWriter(
                    path,
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND));
        written = path;
        for (String line : buffered) {
          writer.write(line);
        }
        buffered.clear();
        writer.flush();
      } catch (IOException e) {
        failed = true;
        writer = null;
      }
    }

    synchronized Optional<Path> finish(Optional<Path> fallback) {
      if (writer == null && !failed) {
        if (file.isPresent() && Files.isDirectory(file.get().getParent())) {
          open(file.get());
        } else if (fallback.isPresent() && !buffered.isEmpty()) {
          open(fallback.get());
        }
      }
      if (writer != null) {
        try {
          writer.close();
        } catch (IOException e) {
          failed = true;
        }
        writer = null;
      }
      buffered.clear();
      return failed ? Optional.empty() : Optional.ofNullable(written);
    }
  }
}
