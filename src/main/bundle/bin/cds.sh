# shellcheck shell=bash disable=SC2034,SC2154 # sets variables for, and reads $home of, the script that sources it
# Class-data sharing (AppCDS) for the bundle's JVMs; sourced by bin/injector and bin/loadfleet.
# The first JVM of a kind (injector, launcher) on a host writes a dynamic archive of the classes
# it loaded when it exits (-XX:ArchiveClassesAtExit); every later one maps it instead of loading
# and verifying those classes from the jars again (BENCHMARKS.md, "Locust": start-up CPU and time
# to the first request, with and without). The archive is made on the host, not shipped: the JVM
# accepts a dynamic archive only from its own build and for the very class path it was made with.
# LOADFLEET_CDS=off leaves the JDK's default archive alone.
#
# cds_setup NAME JAVA [PART]  sets cds_cp (the class path to run with), cds_opts (JVM flags) and,
#   when this JVM is to write the archive, cds_part (where it writes it) and cds_archive (where the
#   caller puts it once the JVM has exited). PART defaults to lib/cds/NAME-KEY.jsa.PID with this
#   shell's pid, for a caller that execs the JVM (the pid stays the JVM's): any later cds_setup
#   adopts such a file once that pid is gone.

cds_setup() {
  local name="$1" java="$2" real jvm key dir archive part pid
  # One spelling of the class path, whatever order the file system lists lib/ in. conf/ goes last:
  # CDS refuses to archive when a non-empty directory precedes a jar it loaded classes from, and
  # conf/ holds only gatling.conf and logback.xml, which no jar in lib/ carries.
  cds_cp="$(LC_ALL=C && printf '%s:' "$home"/lib/*.jar)$home/conf"
  cds_opts=()
  cds_part=""
  cds_archive=""
  [ "${LOADFLEET_CDS:-on}" != off ] || return 0
  real="$(readlink -f "$(command -v "$java")" 2>/dev/null)" || return 0
  jvm="${real%/bin/java}/lib/server/libjvm.so"
  [ -f "$jvm" ] || return 0
  # The archive's name: this JVM build and these jars (a redeployed lib/ gets a new archive).
  key="$({ echo "$real"; stat -c '%s %Y' "$jvm" "$home"/lib/*.jar; } | cksum | cut -d' ' -f1)"
  dir="$home/lib/cds"
  archive="$dir/$name-$key.jsa"
  # A JVM writes NAME-KEY.jsa.PID at its exit; once that JVM is gone its archive is whole.
  for part in "$archive".*; do
    pid="${part##*.}"
    case "$pid" in '' | *[!0-9]*) continue ;; esac
    if [ -s "$part" ] && ! kill -0 "$pid" 2>/dev/null; then mv -f "$part" "$archive" 2>/dev/null || true; fi
  done
  # -Xlog:cds*=off: CDS's warnings (classes it skips) would otherwise land on stdout.
  if [ -s "$archive" ]; then
    cds_opts=("-XX:SharedArchiveFile=$archive" "-Xlog:cds*=off")
  elif mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ]; then
    cds_part="${3:-$archive.$$}"
    cds_archive="$archive"
    cds_opts=("-XX:ArchiveClassesAtExit=$cds_part" "-Xlog:cds*=off")
  fi
}
