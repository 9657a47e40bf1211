import dev.loadfleet.merge.LogRecord;
import dev.loadfleet.merge.SimulationLogReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * bench/locust's reader of one Gatling simulation.log: per request name, the count, OK, KO and the
 * p95 (nearest rank) of end - start in ms, over every request of the run, as one JSON object on
 * stdout. Run as a single-file program with the bundle's lib/* on the class path.
 */
public class GatlingLog {
  public static void main(String[] args) throws Exception {
    Map<String, List<Integer>> times = new LinkedHashMap<>();
    Map<String, int[]> okKo = new LinkedHashMap<>();
    try (SimulationLogReader reader = SimulationLogReader.open(Path.of(args[0]))) {
      for (LogRecord rec; (rec = reader.next()) != null; ) {
        if (rec instanceof LogRecord.Request q) {
          times.computeIfAbsent(q.name(), k -> new ArrayList<>()).add(q.end() - q.start());
          okKo.computeIfAbsent(q.name(), k -> new int[2])[q.ok() ? 0 : 1]++;
        }
      }
    }
    StringBuilder json = new StringBuilder("{");
    for (var e : times.entrySet()) {
      int[] t = e.getValue().stream().mapToInt(Integer::intValue).sorted().toArray();
      int[] c = okKo.get(e.getKey());
      if (json.length() > 1) {
        json.append(',');
      }
      json.append(
          String.format(
              "\"%s\":{\"count\":%d,\"ok\":%d,\"ko\":%d,\"p95\":%d}",
              e.getKey(), t.length, c[0], c[1], t[(int) Math.ceil(0.95 * t.length) - 1]));
    }
    System.out.println(json.append('}'));
  }
}
