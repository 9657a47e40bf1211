package dev.loadfleet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Both kinds of histogram give every figure exactly as a sorted list of all values does: the
 * nearest rank, min, max, mean, count; with values below zero, in the dense array's range and past
 * it, figures read between adds, and histograms of either kind added into each other.
 */
class ExactHistogramTest {
  private static final double[] PERCENTILES = {0, 0.1, 1, 25, 50, 75, 90, 95, 99, 99.9, 100};

  @Test
  void denseAndSparseHistogramsGiveTheNearestRankOfEveryValue() {
    Random rnd = new Random(7);
    ExactHistogram dense = ExactHistogram.dense();
    ExactHistogram sparse = new ExactHistogram();
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < 300_000; i++) {
      int v =
          switch (rnd.nextInt(10)) {
            case 0 -> -rnd.nextInt(1000); // a clock step can make end before start
            case 1 -> ExactHistogram.DENSE_LIMIT - 2 + rnd.nextInt(4); // the array's edge
            case 2 -> ExactHistogram.DENSE_LIMIT + rnd.nextInt(1_000_000); // past it
            default -> (int) (rnd.nextDouble() * rnd.nextDouble() * 3000);
          };
      dense.add(v);
      sparse.add(v);
      all.add(v);
      if (i % 50_000 == 0) {
        check(all, dense); // a figure read while values still arrive
        check(all, sparse);
      }
    }
    check(all, dense);
    check(all, sparse);
  }

  @Test
  void histogramsOfEitherKindAddUp() {
    Random rnd = new Random(11);
    List<Integer> all = new ArrayList<>();
    ExactHistogram total = ExactHistogram.dense();
    for (int part = 0; part < 6; part++) {
      ExactHistogram h = part % 2 == 0 ? ExactHistogram.dense() : new ExactHistogram();
      for (int i = 0; i < 20_000; i++) {
        int v = rnd.nextInt(5) == 0 ? 70_000 + rnd.nextInt(100) : rnd.nextInt(2000 * (part + 1));
        h.add(v);
        all.add(v);
      }
      total.addAll(h);
      ExactHistogram copy = new ExactHistogram();
      copy.addAll(total);
      check(all, copy);
    }
    check(all, total);
  }

  @Test
  void anEmptyHistogramHasNoFigures() {
    for (ExactHistogram h : List.of(ExactHistogram.dense(), new ExactHistogram())) {
      assertEquals(0, h.count());
      assertEquals(-1, h.percentile(95));
      assertEquals(-1, h.min());
      assertEquals(-1, h.max());
    }
  }

  private static void check(List<Integer> values, ExactHistogram h) {
    List<Integer> sorted = new ArrayList<>(values);
    sorted.sort(null);
    assertEquals(sorted.size(), h.count());
    assertEquals(sorted.get(0), h.min());
    assertEquals(sorted.get(sorted.size() - 1), h.max());
    assertEquals(
        sorted.stream().mapToLong(Integer::longValue).sum() / (double) sorted.size(),
        h.mean(),
        1e-9);
    assertEquals(sorted.stream().distinct().count(), h.distinctValues());
    for (double p : PERCENTILES) {
      int rank = (int) Math.max(1, Math.ceil(p / 100 * sorted.size()));
      assertEquals(sorted.get(rank - 1), h.percentile(p), "p" + p + " of " + sorted.size());
    }
  }
}
