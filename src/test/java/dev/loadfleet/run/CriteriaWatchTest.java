package dev.loadfleet.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.config.StopCriterion;
import dev.loadfleet.live.Frame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CriteriaWatchTest {
  private static final long POLL = 2_000;
  private static final long START = 1_800_000_000_000L;

  /** The fleet's frame at poll {@code n}: the interval (n-1, n] with these figures. */
  private static Frame frame(int n, long requests, long ko, Long uploadP95) {
    long to = START + n * POLL;
    Map<String, Frame.RequestFigures> byRequest =
        uploadP95 == null
            ? Map.of()
            : Map.of(
                "upload",
                new Frame.RequestFigures(requests, ko, null, 0, uploadP95, uploadP95, uploadP95));
    Frame.Window w =
        requests == 0 && uploadP95 == null
            ? null
            : new Frame.Window(
                to - POLL,
                to,
                requests,
                ko,
                requests == 0 ? null : 100.0 * ko / requests,
                requests / 2.0,
                0,
                byRequest,
                uploadP95,
                uploadP95,
                uploadP95);
    return new Frame(
        n,
        to,
        to - START,
        new Frame.Figures(10, 10, 10, w, w),
        List.of(),
        List.of(),
        "watching",
        null,
        null);
  }

  private static StopCriterion only(String option) {
    return StopCriterion.fromOption(option).get(0);
  }

  @Test
  void aKoCriterionFiresOnceItHeldForItsWindowAndNamesWhatFiredIt() {
    CriteriaWatch watch = new CriteriaWatch(List.of(only("{ko: '> 10%', for: 6s}")));
    assertTrue(watch.judge(frame(1, 100, 5, null)).fired().isEmpty());
    // KO from the start of poll 2's interval (START + 2 s) on: 6 s later is START + 8 s, poll 4.
    assertTrue(watch.judge(frame(2, 100, 20, null)).fired().isEmpty());
    assertTrue(watch.judge(frame(3, 100, 30, null)).fired().isEmpty());
    CriteriaWatch.Judgement j = watch.judge(frame(4, 50, 25, null));
    StopReason reason = j.fired().orElseThrow();
    assertEquals(StopReason.By.CRITERION, reason.by());
    FiredCriterion fired = reason.criterion();
    assertEquals("ko > 10% for 6s", fired.name());
    assertEquals("ko", fired.metric());
    assertEquals("> 10%", fired.threshold());
    assertEquals(6_000, fired.windowMs());
    assertEquals(START + 2 * POLL - POLL, fired.heldSinceMs());
    assertEquals(START + 4 * POLL, fired.firedAtMs());
    assertEquals(List.of(20.0, 30.0, 50.0), fired.values().stream().map(v -> v.value()).toList());
    assertTrue(
        reason.detail().startsWith("stop criterion ko > 10% for 6s held from "), reason.detail());
    assertTrue(reason.detail().contains("KO 50.0% (25 of 50)"), reason.detail());
    assertTrue(reason.detail().contains("(20% to 50% over 3 polls)"), reason.detail());
    assertTrue(j.views().get(0).fired());
    assertEquals(6.0, j.views().get(0).heldSeconds());
  }

  @Test
  void oneIntervalWithinTheThresholdStartsTheWindowAgain() {
    CriteriaWatch watch = new CriteriaWatch(List.of(only("{ko: '> 10%', for: 6s}")));
    watch.judge(frame(1, 100, 20, null));
    watch.judge(frame(2, 100, 20, null));
    CriteriaWatch.Judgement calm = watch.judge(frame(3, 100, 1, null));
    assertNull(calm.views().get(0).heldSeconds());
    assertTrue(watch.judge(frame(4, 100, 20, null)).fired().isEmpty());
    assertTrue(watch.judge(frame(5, 100, 20, null)).fired().isEmpty());
    assertTrue(watch.judge(frame(6, 100, 20, null)).fired().isPresent());
  }

  @Test
  void aPollWithoutRequestsNeitherBreaksNorExtendsTheEvidence() {
    CriteriaWatch watch = new CriteriaWatch(List.of(only("{ko: '>= 50%', for: 4s}")));
    watch.judge(frame(1, 10, 5, null));
    CriteriaWatch.Judgement quiet = watch.judge(frame(2, 0, 0, null));
    assertNull(quiet.views().get(0).value());
    // the figures held over poll 1's interval, START to START + 2 s; poll 3's reach START + 6 s
    assertEquals(2.0, quiet.views().get(0).heldSeconds());
    assertTrue(quiet.fired().isEmpty());
    assertTrue(watch.judge(frame(3, 10, 5, null)).fired().isPresent());
  }

  @Test
  void theWindowIsJudgedOnWhenTheFiguresWereMeasuredNotWhenTheyWereRead() {
    CriteriaWatch watch = new CriteriaWatch(List.of(only("{ko: '> 10%', for: 6s}")));
    // each poll reads figures an injector wrote 3 s earlier (its progress is a few seconds old)
    assertTrue(watch.judge(late(frame(1, 100, 50, null), 3_000)).fired().isEmpty());
    assertTrue(watch.judge(late(frame(2, 100, 50, null), 3_000)).fired().isEmpty());
    // read at START + 9 s, 9 s after the stretch began, but measured over 6 s only at poll 3
    CriteriaWatch.Judgement third = watch.judge(late(frame(3, 100, 50, null), 3_000));
    assertEquals(6.0, third.views().get(0).heldSeconds());
    StopReason reason = third.fired().orElseThrow();
    assertEquals(START, reason.criterion().heldSinceMs());
    assertEquals(START + 3 * POLL + 3_000, reason.criterion().firedAtMs());
  }

  @Test
  void figuresReadLateDoNotShortenTheWindow() {
    CriteriaWatch watch = new CriteriaWatch(List.of(only("{ko: '> 10%', for: 8s}")));
    for (int n = 1; n <= 3; n++) {
      // at poll 3 the launcher has watched for 9 s, yet the figures span 6 s of the 8 s asked
      assertTrue(watch.judge(late(frame(n, 100, 50, null), 3_000)).fired().isEmpty(), "poll " + n);
    }
    assertTrue(watch.judge(late(frame(4, 100, 50, null), 3_000)).fired().isPresent());
  }

  private static Frame late(Frame f, long byMs) {
    return new Frame(
        f.seq(),
        f.time() + byMs,
        f.elapsedMs() + byMs,
        f.fleet(),
        f.hosts(),
        f.criteria(),
        f.status(),
        f.stop(),
        f.report());
  }

  @Test
  void aPercentileCriterionReadsItsRequestNamesFigure() {
    CriteriaWatch watch =
        new CriteriaWatch(List.of(only("{p95: '> 1s', request: upload, for: 4s}")));
    assertTrue(watch.judge(frame(1, 10, 0, 900L)).fired().isEmpty());
    assertTrue(watch.judge(frame(2, 10, 0, 1_500L)).fired().isEmpty());
    StopReason reason = watch.judge(frame(3, 10, 0, 1_700L)).fired().orElseThrow();
    assertEquals("upload", reason.criterion().request());
    assertEquals("> 1s", reason.criterion().threshold());
    assertTrue(reason.detail().contains("p95 of upload 1.70 s"), reason.detail());
  }

  @Test
  void aCriterionThatNeverHoldsChangesNothing() {
    CriteriaWatch watch =
        new CriteriaWatch(
            List.of(
                only("{ko: '> 10%', for: 2s}"), only("{p95: '> 5s', request: upload, for: 2s}")));
    List<Optional<StopReason>> fired = new ArrayList<>();
    for (int n = 1; n <= 50; n++) {
      CriteriaWatch.Judgement j = watch.judge(frame(n, 100, 10, 4_999L));
      fired.add(j.fired());
      assertFalse(j.views().stream().anyMatch(Frame.CriterionView::fired));
    }
    assertTrue(fired.stream().allMatch(Optional::isEmpty));
  }

  @Test
  void injectorSaturationMustHoldOnOneHostForTheWindow() {
    CriteriaWatch watch = new CriteriaWatch(List.of(only("{injectorSaturated: true, for: 4s}")));
    for (int n = 1; n <= 5; n++) {
      // inj1 and inj2 take turns being hot: no one host is hot for 4 s
      Frame f = withHosts(frame(n, 10, 0, null), n % 2 == 1, n % 2 == 0, n);
      assertTrue(watch.judge(f).fired().isEmpty(), "poll " + n);
    }
    // inj1 hot at polls 5 and 6: its samples cover START + 8 s to START + 12 s
    StopReason reason =
        watch.judge(withHosts(frame(6, 10, 0, null), true, false, 6)).fired().orElseThrow();
    assertEquals("inj1", reason.criterion().host());
    assertTrue(reason.detail().contains(" on inj1 "), reason.detail());
  }

  private static Frame withHosts(Frame f, boolean hot1, boolean hot2, int n) {
    long t = START + n * POLL;
    return new Frame(
        f.seq(),
        f.time(),
        f.elapsedMs(),
        f.fleet(),
        List.of(host("inj1", hot1, t), host("inj2", hot2, t)),
        List.of(),
        "watching",
        null,
        null);
  }

  private static Frame.HostFigures host(String name, boolean hot, long t) {
    return new Frame.HostFigures(
        name,
        "injector",
        "running",
        false,
        "",
        null,
        new Frame.Health(
            t, POLL, 2, hot ? 97 : 20, 1, 1, 1, 5, 40, 1 << 30, 1 << 28, 1 << 27, 1 << 28, 0, hot),
        "");
  }
}
