import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadfleet.bench.Machine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Service benchmark (BENCHMARKS.md "## Service"): the stand-in service ({@code loadfleet target})
 * in its own JVM, driven by this JVM with the guide's workload (every student uploads a 17.5 MB
 * recording every 30 s on one kept-alive connection and sends a heartbeat every 10 s on another),
 * students' phases spread evenly over the intervals. The service's CPU per GB received is read from
 * /proc/PID/stat and its /stats over a window that begins after a warm-up. Run through
 * bench/service/run.sh.
 *
 * <p>Usage: ServiceBenchmark OUTDIR STEP... where a STEP is {@code VARIANT:STUDENTS} (discard mode)
 * or {@code VARIANT:STUDENTS:store} (recordings written to disk, counted, then deleted). A
 * variant's service classpath (its own classes, before the shared dependencies in {@code
 * bench.deps}) comes from the system property {@code bench.classes.VARIANT}, extra JVM options from
 * {@code bench.jvm.VARIANT} (after {@code bench.serviceOptions}; options apart by spaces or ';'),
 * extra {@code loadfleet target} arguments from {@code bench.args.VARIANT}. {@code bench.warmup}
 * and {@code bench.window} are in seconds (30 and 60).
 *
 * <p>The driver is plain blocking sockets, one thread per connection: the 17.5 MB body is one
 * direct buffer shared by every upload, so the driver's own cost is the kernel's copy.
 */
public final class ServiceBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long RECORDING_BYTES = 17_500_000L;
  private static final long UPLOAD_INTERVAL_MS = 30_000;
  private static final long HEARTBEAT_INTERVAL_MS = 10_000;
  private static final long CLK_TCK = 100;
  private static final String BOUNDARY = "loadfleet-bench-boundary-1f3c";
  private static final int READ_TIMEOUT_MS = 60_000;

  private final Path out;
  private final int warmupSeconds = Integer.getInteger("bench.warmup", 30);
  private final int windowSeconds = Integer.getInteger("bench.window", 60);
  private final Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
  private final ByteBuffer recording;
  private final String recordingSha256;

  private ServiceBenchmark(Path out) throws Exception {
    this.out = out;
    byte[] bytes = new byte[(int) RECORDING_BYTES];
    new Random(0x5EED_2024L).nextBytes(bytes);
    recording = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    recordingSha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: ServiceBenchmark OUTDIR VARIANT:STUDENTS[:store] ...");
      System.exit(2);
    }
    Path out = Path.of(args[0]).toAbsolutePath();
    Files.createDirectories(out);
    ServiceBenchmark bench = new ServiceBenchmark(out);
    ObjectNode results = JSON.createObjectNode();
    results.set("machine", Machine.describe());
    results.put("sha256FloorCpuSecondsPerGB", sha256Floor());
    results.put("receiveFloorCpuSecondsPerGB", receiveFloor(FloorCheck.NONE, false));
    results.put("receiveSha256FloorCpuSecondsPerGB", receiveFloor(FloorCheck.SHA256, false));
    results.put("receiveRecordingFloorCpuSecondsPerGB", receiveFloor(FloorCheck.NONE, true));
    results.put("receiveCompareFloorCpuSecondsPerGB", receiveFloor(FloorCheck.COMPARE, true));
    ArrayNode steps = results.putArray("steps");
    for (String step : Arrays.copyOfRange(args, 1, args.length)) {
      String[] p = step.split(":");
      System.out.printf("%n== %s  (%s, load %s)%n", step, Instant.now(), Machine.loadAvg());
      ObjectNode r;
      try {
        r =
            bench.step(
                p[0], Integer.parseInt(p[1]), p.length > 2 && p[2].equals("store"), steps.size());
      } catch (Exception e) {
        // One step lost (e.g. /stats unanswered on a box starved by other work), not the run.
        r = JSON.createObjectNode().put("step", step).put("error", e.toString());
      }
      steps.add(r);
      System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(out.resolve("results.json").toFile(), results);
    }
    String md = summary(results);
    Files.writeString(out.resolve("summary.md"), md);
    System.out.println(md);
  }

  /** One service JVM, one load, one window. */
  private ObjectNode step(String variant, int students, boolean store, int index) throws Exception {
    Path dir = out.resolve(index + "-" + variant + "-" + students + (store ? "-store" : ""));
    Files.createDirectories(dir);
    Path data = dir.resolve("data");
    List<String> command = new ArrayList<>();
    command.add(javaBin.toString());
    command.addAll(words(System.getProperty("bench.serviceOptions", "")));
    command.addAll(words(System.getProperty("bench.jvm." + variant, "")));
    // Netty logs at DEBUG without a configuration; the bundle's own keeps WARN and up.
    command.add("-Dlogback.configurationFile=" + Path.of("conf/logback.xml").toAbsolutePath());
    command.add("-cp");
    command.add(required("bench.classes." + variant) + ":" + required("bench.deps"));
    command.addAll(List.of("dev.loadfleet.cli.Main", "target", "--port", "0"));
    command.addAll(List.of("--data-dir", data.toString()));
    // A bound on the service's life whatever happens to this JVM.
    command.addAll(List.of("--duration", (warmupSeconds + windowSeconds + 240) + "s"));
    if (!store) {
      command.add("--discard");
    }
    command.addAll(words(System.getProperty("bench.args." + variant, "")));
    Process service =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("service.log").toFile())
            .start();
    ObjectNode r = JSON.createObjectNode();
    r.put("variant", variant);
    r.put("students", students);
    r.put("mode", store ? "store" : "discard");
    r.put("command", String.join(" ", command));
    try {
      run(baseUrl(service, dir.resolve("service.log")), service.pid(), students, r);
    } finally {
      service.destroy();
      service.waitFor();
    }
    if (store) {
      long files;
      try (Stream<Path> all = Files.walk(data)) {
        files =
            all.filter(Files::isRegularFile)
                .filter(f -> !f.getParent().getFileName().toString().equals(".incoming"))
                .count();
      }
      r.put("filesOnDisk", files);
      // 17.5 MB a file: do not keep gigabytes of recordings around.
      try (Stream<Path> all = Files.walk(data)) {
        all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    return r;
  }

  /** The first line of the service's output that is its URL (waits up to 60 s). */
  private static URI baseUrl(Process service, Path log) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline && service.isAlive()) {
      for (String line : Files.readAllLines(log)) {
        if (line.startsWith("http://")) {
          return URI.create(line.trim());
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the service printed no URL; see " + log);
  }

  private void run(URI base, long pid, int students, ObjectNode r) throws Exception {
    long t0 = System.currentTimeMillis() + 1000;
    long windowStart = t0 + warmupSeconds * 1000L;
    long windowEnd = windowStart + windowSeconds * 1000L;
    Load load = new Load(base, students, t0, windowEnd);
    load.start();
    try {
      measure(base, pid, students, r, load, windowStart, windowEnd);
    } finally {
      load.stopped = true; // on a failure, too: no student outlives its step
    }
  }

  private void measure(
      URI base, long pid, int students, ObjectNode r, Load load, long windowStart, long windowEnd)
      throws Exception {
    sleepUntil(windowStart);
    Sample a = sample(base, pid);
    List<Long> probe = new ArrayList<>();
    while (System.currentTimeMillis() < windowEnd - 1000) {
      long p0 = System.nanoTime();
      stats(base);
      probe.add((System.nanoTime() - p0) / 1_000_000);
      sleepUntil(System.currentTimeMillis() + 1000);
    }
    sleepUntil(windowEnd);
    Sample b = sample(base, pid);
    load.join();
    JsonNode end = stats(base);
    double seconds = (b.wallMs - a.wallMs) / 1000.0;
    double gb = (b.bytes - a.bytes) / 1e9;
    double serviceCpu = (b.serviceTicks - a.serviceTicks) / (double) CLK_TCK;
    double serviceKernel = (b.serviceKernelTicks - a.serviceKernelTicks) / (double) CLK_TCK;
    double driverCpu = (b.driverTicks - a.driverTicks) / (double) CLK_TCK;
    r.put("windowSeconds", seconds);
    r.put("windowNominalSeconds", windowSeconds);
    r.put("offeredMBps", students * RECORDING_BYTES / (UPLOAD_INTERVAL_MS / 1000.0) / 1e6);
    r.put("achievedMBps", gb * 1000 / seconds);
    r.put("gbReceived", gb);
    r.put("serviceCpuSeconds", serviceCpu);
    r.put("serviceCpuSecondsPerGB", serviceCpu / gb);
    r.put("serviceKernelShare", serviceKernel / serviceCpu);
    r.put("serviceCores", serviceCpu / seconds);
    r.put("driverCpuSecondsPerGB", driverCpu / gb);
    r.put("uploadsOk", load.uploadsOk.get());
    r.put("uploadsKo", load.uploadsKo.get());
    r.put("heartbeatsOk", load.heartbeatsOk.get());
    r.put("heartbeatsKo", load.heartbeatsKo.get());
    r.put("uploadsStored", end.get("uploadsStored").asLong());
    r.put("uploadsRejected", end.get("uploadsRejected").asLong());
    r.put("uploadP95Ms", percentile(load.uploadMs, 0.95));
    r.put("heartbeatP95Ms", percentile(load.heartbeatMs, 0.95));
    r.put("probeP95Ms", percentile(probe, 0.95));
    r.put("serviceRssPeakMiB", vmHwmKiB(pid) / 1024);
    r.put("loadAvgStart", a.loadAvg);
    r.put("loadAvgEnd", b.loadAvg);
    r.put("firstError", load.firstError);
  }

  /** The students: one uploading and one heartbeating thread each, every phase spread evenly. */
  private final class Load {
    final URI base;
    final int students;
    final long t0;
    final long stopAt;
    final AtomicLong uploadsOk = new AtomicLong();
    final AtomicLong uploadsKo = new AtomicLong();
    final AtomicLong heartbeatsOk = new AtomicLong();
    final AtomicLong heartbeatsKo = new AtomicLong();
    final List<Long> uploadMs = Collections.synchronizedList(new ArrayList<>());
    final List<Long> heartbeatMs = Collections.synchronizedList(new ArrayList<>());
    final List<Thread> threads = new ArrayList<>();
    volatile String firstError = "";
    volatile boolean stopped;

    Load(URI base, int students, long t0, long stopAt) {
      this.base = base;
      this.students = students;
      this.t0 = t0;
      this.stopAt = stopAt;
    }

    void start() {
      for (int i = 0; i < students; i++) {
        int student = i;
        threads.add(thread(() -> loop(student, UPLOAD_INTERVAL_MS, true), "upload-" + student));
        threads.add(
            thread(() -> loop(student, HEARTBEAT_INTERVAL_MS, false), "heartbeat-" + student));
      }
    }

    private Thread thread(Runnable body, String name) {
      Thread t = new Thread(null, body, name, 256 * 1024);
      t.setDaemon(true);
      t.start();
      return t;
    }

    void join() throws InterruptedException {
      for (Thread t : threads) {
        t.join(Math.max(1, stopAt + 2L * READ_TIMEOUT_MS - System.currentTimeMillis()));
      }
    }

    private void loop(int student, long interval, boolean uploads) {
      long next = t0 + student * interval / students;
      Connection c = null;
      for (int seq = 0; next < stopAt && !stopped; seq++, next += interval) {
        sleepUntil(next);
        long start = System.nanoTime();
        int status;
        try {
          if (c == null) {
            c = new Connection(base);
          }
          status = uploads ? c.upload(student, seq) : c.heartbeat(student);
          if (c.closed) {
            c.close();
            c = null;
          }
        } catch (IOException e) {
          status = -1;
          if (firstError.isEmpty()) {
            firstError = (uploads ? "upload: " : "heartbeat: ") + e;
          }
          if (c != null) {
            c.close();
            c = null;
          }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (uploads) {
          (status == 201 ? uploadsOk : uploadsKo).incrementAndGet();
          uploadMs.add(ms);
        } else {
          (status == 200 ? heartbeatsOk : heartbeatsKo).incrementAndGet();
          heartbeatMs.add(ms);
        }
      }
      if (c != null) {
        c.close();
      }
    }
  }

  /** One kept-alive HTTP/1.1 connection, blocking. */
  private final class Connection {
    final SocketChannel channel;
    final ByteBuffer in = ByteBuffer.allocate(16 * 1024);
    boolean closed;

    Connection(URI base) throws IOException {
      channel = SocketChannel.open(new InetSocketAddress(base.getHost(), base.getPort()));
      channel.socket().setSoTimeout(READ_TIMEOUT_MS);
    }

    int upload(int student, int seq) throws IOException {
      StringBuilder form = new StringBuilder();
      field(form, "studentId", "test_" + student);
      field(form, "examId", "30");
      field(form, "seq", Integer.toString(seq));
      field(form, "size", Long.toString(RECORDING_BYTES));
      field(form, "sha256", recordingSha256);
      form.append("--")
          .append(BOUNDARY)
          .append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"")
          .append(seq)
          .append(".webm\"\r\nContent-Type: video/webm\r\n\r\n");
      byte[] head = form.toString().getBytes(StandardCharsets.UTF_8);
      byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
      long length = head.length + RECORDING_BYTES + tail.length;
      byte[] request =
          ("POST /upload HTTP/1.1\r\nHost: bench\r\nContent-Type: multipart/form-data; boundary="
                  + BOUNDARY
                  + "\r\nContent-Length: "
                  + length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII);
      ByteBuffer[] all = {
        ByteBuffer.wrap(request),
        ByteBuffer.wrap(head),
        recording.duplicate(),
        ByteBuffer.wrap(tail)
      };
      while (all[3].hasRemaining()) {
        channel.write(all);
      }
      return response();
    }

    int heartbeat(int student) throws IOException {
      String body = "studentId=test_" + student + "&examId=30";
      byte[] request =
          ("POST /heartbeat HTTP/1.1\r\nHost: bench\r\n"
                  + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                  + body.length()
                  + "\r\n\r\n"
                  + body)
              .getBytes(StandardCharsets.US_ASCII);
      ByteBuffer b = ByteBuffer.wrap(request);
      while (b.hasRemaining()) {
        channel.write(b);
      }
      return response();
    }

    private void field(StringBuilder form, String name, String value) {
      form.append("--")
          .append(BOUNDARY)
          .append("\r\nContent-Disposition: form-data; name=\"")
          .append(name)
          .append("\"\r\n\r\n")
          .append(value)
          .append("\r\n");
    }

    /** Reads one response (status line, headers, Content-Length body); returns its status. */
    private int response() throws IOException {
      in.clear();
      int headEnd;
      while ((headEnd = headEnd()) < 0) {
        if (!in.hasRemaining() || read() < 0) {
          throw new IOException("connection closed before a response head");
        }
      }
      String head = new String(in.array(), 0, headEnd, StandardCharsets.ISO_8859_1);
      int status = Integer.parseInt(head.substring(9, 12));
      long length = 0;
      for (String line : head.split("\r\n")) {
        String lower = line.toLowerCase();
        if (lower.startsWith("content-length:")) {
          length = Long.parseLong(line.substring(15).trim());
        } else if (lower.startsWith("connection:") && lower.contains("close")) {
          closed = true;
        }
      }
      while (in.position() < headEnd + 4 + length) {
        if (read() < 0) {
          throw new IOException("connection closed inside a response body");
        }
      }
      return status;
    }

    private int read() throws IOException {
      // Blocking socket channels ignore SO_TIMEOUT; the socket's stream honours it.
      int n = channel.socket().getInputStream().read(in.array(), in.position(), in.remaining());
      if (n > 0) {
        in.position(in.position() + n);
      }
      return n;
    }

    private int headEnd() {
      byte[] b = in.array();
      for (int i = 3; i < in.position(); i++) {
        if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
          return i - 3;
        }
      }
      return -1;
    }

    void close() {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private record Sample(
      long wallMs,
      long bytes,
      long serviceTicks,
      long serviceKernelTicks,
      long driverTicks,
      String loadAvg) {}

  private static Sample sample(URI base, long pid) throws Exception {
    JsonNode s = stats(base);
    long[] service = cpuTicks(Path.of("/proc/" + pid + "/stat"));
    long[] driver = cpuTicks(Path.of("/proc/self/stat"));
    return new Sample(
        System.currentTimeMillis(),
        s.get("bytesReceived").asLong(),
        service[0] + service[1],
        service[1],
        driver[0] + driver[1],
        Machine.loadAvg());
  }

  /** utime and stime in clock ticks. */
  private static long[] cpuTicks(Path stat) throws IOException {
    String s = Files.readString(stat);
    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
    return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
  }

  private static long vmHwmKiB(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }

  /**
   * GET /stats on a fresh blocking socket (this JVM's 1,000 driver threads can starve an HTTP
   * client's selector thread; a plain read cannot be).
   */
  private static JsonNode stats(URI base) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return statsOnce(base);
      } catch (IOException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  private static JsonNode statsOnce(URI base) throws Exception {
    try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(READ_TIMEOUT_MS);
      socket
          .getOutputStream()
          .write(
              "GET /stats HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!response.startsWith("HTTP/1.1 200")) {
        throw new IOException("GET /stats answered " + response);
      }
      return JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
    }
  }

  /** CPU seconds per GB of MessageDigest SHA-256 in this JVM: the floor any verifier pays. */
  private static double sha256Floor() throws Exception {
    byte[] block = new byte[64 * 1024];
    new Random(1).nextBytes(block);
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 4096; i++) {
      md.update(block);
    }
    long cpu0 = threads.getCurrentThreadCpuTime();
    int n = 16384;
    for (int i = 0; i < n; i++) {
      md.update(block);
    }
    md.digest();
    return (threads.getCurrentThreadCpuTime() - cpu0) / 1e9 / (n * (double) block.length / 1e9);
  }

  /** What the receiving thread of a floor does with every buffer it reads. */
  private enum FloorCheck {
    NONE,
    /** SHA-256 of every byte, as the stand-in does for a recording it sees first. */
    SHA256,
    /**
     * Byte for byte against a kept copy ({@code ByteBuffer.mismatch}), as the stand-in does for a
     * recording it has already verified.
     */
    COMPARE
  }

  /**
   * CPU seconds per GB of one thread that only receives (and checks, by {@code check}) what another
   * thread of this JVM writes to it over one loopback TCP connection, blocking sockets and 64 KiB
   * direct buffers on the receiving side: what any Java receiver that checks every byte pays on
   * this box, before HTTP, multipart or an event loop. The receiving thread's CPU is user plus
   * kernel time, so it includes the loopback TCP work done in its system calls, as the service's
   * does.
   *
   * @param recording the writer sends a 17.5 MB recording over and over from one direct buffer, as
   *     this benchmark's students do (else one 64 KiB buffer of zeros, write after write); {@link
   *     FloorCheck#COMPARE} needs it
   */
  private static double receiveFloor(FloorCheck check, boolean recording) throws Exception {
    if (check == FloorCheck.COMPARE && !recording) {
      throw new IllegalArgumentException("a comparison needs the recording's bytes");
    }
    long total = 4_000_000_000L;
    long warm = 1_000_000_000L;
    byte[] content = new byte[(int) RECORDING_BYTES];
    new Random(7).nextBytes(content);
    ByteBuffer sent =
        recording
            ? ByteBuffer.allocateDirect(content.length).put(content).flip()
            : ByteBuffer.allocateDirect(64 * 1024);
    ByteBuffer kept = ByteBuffer.allocateDirect(content.length).put(content).flip();
    try (var server = java.nio.channels.ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress("127.0.0.1", 0));
      Thread writer =
          new Thread(
              () -> {
                try (SocketChannel out = SocketChannel.open(server.getLocalAddress())) {
                  ByteBuffer view = sent.duplicate();
                  for (long n = 0; n < warm + total; ) {
                    if (!view.hasRemaining()) {
                      view.clear();
                    }
                    n += out.write(view);
                  }
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              },
              "receive-floor-writer");
      writer.setDaemon(true);
      writer.start();
      try (SocketChannel in = server.accept()) {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
        long offset = 0;
        long received = 0;
        long cpu0 = -1;
        int n;
        while ((n = in.read(buf.clear())) > 0) {
          buf.flip();
          switch (check) {
            case SHA256 -> md.update(buf);
            case COMPARE -> offset = compare(buf, kept, offset);
            case NONE -> {}
          }
          received += n;
          if (cpu0 < 0 && received >= warm) {
            cpu0 = threads.getCurrentThreadCpuTime();
            received = 0;
          }
        }
        double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        writer.join();
        return cpu / (received / 1e9);
      }
    }
  }

  /** Compares {@code buf} with {@code kept} from {@code offset} on (wrapping); the next offset. */
  private static long compare(ByteBuffer buf, ByteBuffer kept, long offset) {
    int at = (int) offset;
    while (buf.hasRemaining()) {
      int n = Math.min(buf.remaining(), kept.capacity() - at);
      ByteBuffer part = buf.slice(buf.position(), n);
      if (part.mismatch(kept.slice(at, n)) >= 0) {
        throw new IllegalStateException("the floor's receiver got other bytes than were sent");
      }
      buf.position(buf.position() + n);
      at = (at + n) % kept.capacity();
    }
    return at;
  }

  private static String summary(JsonNode results) {
    StringBuilder md = new StringBuilder();
    JsonNode m = results.get("machine");
    md.append(
        String.format(
            "Machine: %s, nproc %d, %s, kernel %s, %s. SHA-256 in one JVM thread: %.2f CPU s/GB;"
                + " one thread receiving over loopback TCP: %.2f CPU s/GB, receiving and"
                + " SHA-256: %.2f CPU s/GB; the same thread receiving a 17.5 MB recording sent"
                + " over and over: %.2f CPU s/GB, receiving and comparing it with a kept copy:"
                + " %.2f CPU s/GB.%n%n",
            m.get("cpu").asText(),
            m.get("nproc").asInt(),
            m.get("memTotal").asText(),
            m.get("kernel").asText(),
            m.get("java").asText(),
            results.get("sha256FloorCpuSecondsPerGB").asDouble(),
            results.get("receiveFloorCpuSecondsPerGB").asDouble(),
            results.get("receiveSha256FloorCpuSecondsPerGB").asDouble(),
            results.get("receiveRecordingFloorCpuSecondsPerGB").asDouble(),
            results.get("receiveCompareFloorCpuSecondsPerGB").asDouble()));
    md.append(
        "| step | mode | window s | offered MB/s | achieved MB/s | service CPU s/GB | of which kernel |"
            + " service cores | driver CPU s/GB | uploads OK/KO | uploadsStored | files on disk |"
            + " heartbeats OK/KO | upload p95 ms | heartbeat p95 ms | /stats p95 ms |"
            + " service peak RSS MiB | load avg start/end |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (JsonNode s : results.get("steps")) {
      if (s.has("error")) {
        md.append("| " + s.get("step").asText() + " | failed: " + s.get("error").asText() + " |\n");
        continue;
      }
      md.append(
          String.format(
              "| %s:%d | %s | %.0f%s | %.1f | %.1f | %.2f | %.0f %% | %.2f | %.2f | %d/%d | %d | %s | %d/%d"
                  + " | %d | %d | %d | %d | %s / %s |%n",
              s.get("variant").asText(),
              s.get("students").asInt(),
              s.get("mode").asText(),
              s.get("windowSeconds").asDouble(),
              shortWindow(s) ? " (short: left out of the means)" : "",
              s.get("offeredMBps").asDouble(),
              s.get("achievedMBps").asDouble(),
              s.get("serviceCpuSecondsPerGB").asDouble(),
              100 * s.get("serviceKernelShare").asDouble(),
              s.get("serviceCores").asDouble(),
              s.get("driverCpuSecondsPerGB").asDouble(),
              s.get("uploadsOk").asLong(),
              s.get("uploadsKo").asLong(),
              s.get("uploadsStored").asLong(),
              s.has("filesOnDisk") ? s.get("filesOnDisk").asText() : "-",
              s.get("heartbeatsOk").asLong(),
              s.get("heartbeatsKo").asLong(),
              s.get("uploadP95Ms").asLong(),
              s.get("heartbeatP95Ms").asLong(),
              s.get("probeP95Ms").asLong(),
              s.get("serviceRssPeakMiB").asLong(),
              first(s.get("loadAvgStart").asText()),
              first(s.get("loadAvgEnd").asText())));
    }
    md.append(ratios(results.get("steps")));
    return md.toString();
  }

  /** Mean CPU s/GB of each variant per students and mode, as ratios to "old". */
  private static String ratios(JsonNode steps) {
    java.util.Map<String, List<Double>> byKey = new java.util.TreeMap<>();
    for (JsonNode s : steps) {
      if (s.has("error") || shortWindow(s)) {
        continue;
      }
      String key =
          s.get("variant").asText()
              + ":"
              + s.get("students").asInt()
              + ":"
              + s.get("mode").asText();
      byKey
          .computeIfAbsent(key, k -> new ArrayList<>())
          .add(s.get("serviceCpuSecondsPerGB").asDouble());
    }
    StringBuilder md =
        new StringBuilder(
            "\n| variant | students | mode | steps | mean service CPU s/GB | vs old |\n|---|---|---|---|---|---|\n");
    byKey.forEach(
        (key, values) -> {
          String[] k = key.split(":");
          double mean =
              values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
          List<Double> old = byKey.get("old:" + k[1] + ":" + k[2]);
          double oldMean =
              old == null
                  ? Double.NaN
                  : old.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
          md.append(
              String.format(
                  "| %s | %s | %s | %d | %.2f | %s |%n",
                  k[0],
                  k[1],
                  k[2],
                  values.size(),
                  mean,
                  Double.isNaN(oldMean) ? "-" : String.format("%.2f", mean / oldMean)));
        });
    return md.toString();
  }

  /**
   * A window under 80 % of its nominal length: the service answered the window's first /stats so
   * late (a box starved by other work) that the figures cover a moment, not the window. Shown, but
   * left out of the means.
   */
  private static boolean shortWindow(JsonNode s) {
    return s.has("windowNominalSeconds")
        && s.get("windowSeconds").asDouble() < 0.8 * s.get("windowNominalSeconds").asDouble();
  }

  private static String first(String loadAvg) {
    return loadAvg.split(" ")[0];
  }

  private static long percentile(List<Long> values, double p) {
    List<Long> sorted;
    synchronized (values) {
      sorted = new ArrayList<>(values);
    }
    if (sorted.isEmpty()) {
      return -1;
    }
    Collections.sort(sorted);
    return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
  }

  private static void sleepUntil(long epochMs) {
    for (long left; (left = epochMs - System.currentTimeMillis()) > 0; ) {
      try {
        Thread.sleep(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static List<String> words(String s) {
    return s.isBlank() ? List.of() : List.of(s.trim().split("[\\s;]+"));
  }

  private static String required(String property) {
    String v = System.getProperty(property);
    if (v == null) {
      throw new IllegalArgumentException("set -D" + property);
    }
    return v;
  }
}
