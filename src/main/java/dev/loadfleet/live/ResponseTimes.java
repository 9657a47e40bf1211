package dev.loadfleet.live;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The response times of one request name, OK and KO apart, in milliseconds: two HdrHistograms with
 * 3 significant digits (exact below 2,048 ms, within 1/1,024 above). Histograms add exactly, so the
 * times of many hosts, or of an interval, are a sum or a difference of these, never an estimate of
 * estimates. Mutable; confined to one thread at a time.
 *
 * <p>In a progress file each histogram is HdrHistogram's compressed encoding in base64: a few
 * hundred bytes for a run's worth of times.
 */
public final class ResponseTimes {
  /** Significant decimal digits the histograms keep. */
  public static final int DIGITS = 3;

  private final Histogram ok;
  private final Histogram ko;

  private ResponseTimes(Histogram ok, Histogram ko) {
    this.ok = ok;
    this.ko = ko;
  }

  public static ResponseTimes empty() {
    return new ResponseTimes(histogram(), histogram());
  }

  /** A histogram that grows to any response time it is given. */
  static Histogram histogram() {
    Histogram h = new Histogram(DIGITS);
    h.setAutoResize(true);
    return h;
  }

  /**
   * Reads the two encodings of a progress file.
   *
   * @throws IllegalArgumentException when either is not a compressed HdrHistogram in base64
   */
  public static ResponseTimes decode(String ok, String ko) {
    return new ResponseTimes(decode(ok), decode(ko));
  }

  static Histogram decode(String base64) {
    try {
      Histogram h =
          Histogram.decodeFromCompressedByteBuffer(
              ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
      h.setAutoResize(true);
      return h;
    } catch (DataFormatException | RuntimeException e) {
      throw new IllegalArgumentException(
          "not a compressed HdrHistogram in base64 (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  /** The compressed encoding of a histogram, in base64. */
  static String encode(AbstractHistogram h) {
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buffer);
    return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
  }

  public String encodedOk() {
    return encode(ok);
  }

  public String encodedKo() {
    return encode(ko);
  }

  public long okCount() {
    return ok.getTotalCount();
  }

  public long koCount() {
    return ko.getTotalCount();
  }

  public long count() {
    return okCount() + koCount();
  }

  /** Adds {@code other}'s times to these. */
  public void add(ResponseTimes other) {
    ok.add(other.ok);
    ko.add(other.ko);
  }

  public ResponseTimes copy() {
    return new ResponseTimes(ok.copy(), ko.copy());
  }

  /**
   * The times recorded since {@code earlier}, an older state of the same counts. When {@code
   * earlier} holds a time these do not (the injector started over), everything here is new.
   */
  public ResponseTimes since(ResponseTimes earlier) {
    ResponseTimes d = copy();
    try {
      d.ok.subtract(earlier.ok);
      d.ko.subtract(earlier.ko);
      return d;
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      return copy();
    }
  }

  /**
   * The nearest-rank percentile of every time, OK and KO, as the report's summary.json computes it
   * (rank = ceil(p/100 x count)), read at the top of its histogram bucket; -1 with no time.
   */
  public long percentile(double p) {
    long count = count();
    if (count == 0) {
      return -1;
    }
    Histogram all = ok.copy();
    all.add(ko);
    long rank = Math.max(1, (long) Math.ceil(p / 100.0 * count));
    long seen = 0;
    long last = 0;
    for (HistogramIterationValue v : all.recordedValues()) {
      seen += v.getCountAddedInThisIterationStep();
      last = v.getValueIteratedTo();
      if (seen >= rank) {
        return last;
      }
    }
    return last;
  }

  /** How many times, OK and KO, are at most {@code ms} (bucket precision above 2,048 ms). */
  public long countAtOrBelow(long ms) {
    return ok.getCountBetweenValues(0, ms) + ko.getCountBetweenValues(0, ms);
  }

  /** The sum of every time, in ms, at bucket precision (for a Prometheus histogram's sum). */
  public double sum() {
    return ok.getMean() * ok.getTotalCount() + ko.getMean() * ko.getTotalCount();
  }

  /** The largest time a value of {@code ms} may be read back as: the top of its bucket. */
  public static long highestEquivalent(long ms) {
    return histogram().highestEquivalentValue(ms);
  }
}
